"""Drive the Wagtail page editor as a person would: load the form, change fields, submit it."""

from django.contrib.messages import get_messages
from wagtail.test.utils.form_data import querydict_from_html


def edit_form_data(client, page):
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200, response.status_code
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


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
