"""Drive the Wagtail page editor as a person would: load the form, change fields, submit it."""

from django.contrib.messages import get_messages
from wagtail.fields import StreamField
from wagtail.test.utils.form_data import querydict_from_html


def edit_form_data(client, page):
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200, response.status_code
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by JavaScript, so the HTML holds no inputs for them: send them empty.
    specific = page.specific
    for field in specific._meta.get_fields():
        if isinstance(field, StreamField) and f"{field.name}-count" not in data:
            assert not getattr(specific, field.name), "only empty StreamFields can be sent from a test"
            data[f"{field.name}-count"] = "0"
    return data


def add_inline_row(data, prefix, **fields):
    """Append one row to an inline formset (a new membership, say)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-id"] = ""
    data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    data[f"{prefix}-{index}-DELETE"] = ""
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = str(value)
    return index


def inline_rows(data, prefix):
    return range(int(data[f"{prefix}-TOTAL_FORMS"]))


def error_text(response):
    """The editor's error banner and field errors, as the person sees them."""
    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    return messages + response.content.decode()


def create_form_data(client, parent, model):
    """The admin's create form for a ``model`` page under ``parent``, as the browser would send it."""
    url = f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{parent.pk}/"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return url, querydict_from_html(response.content.decode(), form_id="page-edit-form")


def post_edit(client, page, data, action):
    """Submit the page editor with one of its buttons: action-submit, action-publish, or a save."""
    if action:
        data[action] = action
    return client.post(f"/admin/pages/{page.pk}/edit/", data)
