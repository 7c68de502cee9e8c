"""Django's model backend, with the person's Wagtail profile loaded with them and read by one plain query.

Every request of a person who is logged in loads them. Through the ORM (``select_related`` of the
profile, whose language is read on every request: languages/i18n.py), building and compiling that
query and its two models cost some 0.4 ms of a cached page's 1.5 ms in-process, several times the query
itself. The same query is written here once per process and database, from the models' own fields, and
its rows are made into objects the way the ORM does (``Model.from_db`` after each field's database
converters), with the profile cached on the person as ``select_related`` caches it.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from wagtail.users.models import UserProfile


@cache
def _person_query(using):
    """``(sql, [(model, attnames, columns)])`` of a person and their profile for the database ``using``.
    Kept per process: names and columns only (each call asks the connection of its own thread for the
    backend's converters)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    User = get_user_model()
    tables = []
    columns = []
    for model, alias in ((User, "u"), (UserProfile, "p")):
        fields = list(model._meta.concrete_fields)
        tables.append(
            (model, [field.attname for field in fields], [field.get_col(alias) for field in fields])
        )
        columns += [f"{alias}.{quote(field.column)}" for field in fields]
    users, profiles = quote(User._meta.db_table), quote(UserProfile._meta.db_table)
    user_pk, profile_user = quote(User._meta.pk.column), quote(UserProfile._meta.get_field("user").column)
    joined = f"{users} u LEFT JOIN {profiles} p ON p.{profile_user} = u.{user_pk}"
    sql = f"SELECT {', '.join(columns)} FROM {joined} WHERE u.{user_pk} = %s"  # noqa: S608 - quoted names
    return sql, tables


def _from_row(using, model, attnames, columns, values):
    """``model`` made from a row's ``values`` as the ORM makes it: each value through the backend's and
    the field's database converters, then ``Model.from_db``."""
    connection = connections[using]
    converted = []
    for value, col in zip(values, columns, strict=True):
        for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = converter(value, col, connection)
        converted.append(value)
    return model.from_db(using, attnames, converted)


def _within_the_column(using, field, value):
    low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    return (low is None or low <= value) and (high is None or value <= high)


class IntranetModelBackend(ModelBackend):
    """Django's backend, loading the person's Wagtail profile with them: their language
    (languages/i18n.py) is read on every request without another query."""

    def get_user(self, user_id):
        User = get_user_model()
        if User._meta.parents:  # a user model that inherits from another: its fields are in two tables
            return super().get_user(user_id)
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # something else than an id (Django converts the session's first)
            return None
        using = router.db_for_read(User)
        if isinstance(user_id, int) and not _within_the_column(using, User._meta.pk, user_id):
            return None  # as the ORM answers an id out of the column's range: nobody
        sql, ((_user, user_attnames, user_columns), (_profile, profile_attnames, profile_columns)) = (
            _person_query(using)
        )
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        split = len(user_attnames)
        user = _from_row(using, User, user_attnames, user_columns, row[:split])
        profile = None
        if row[split] is not None:  # the profile's primary key: None when the person has no profile
            profile = _from_row(using, UserProfile, profile_attnames, profile_columns, row[split:])
            UserProfile._meta.get_field("user").set_cached_value(profile, user)
        # As select_related caches it: the profile, or None, which Django reads as "has none".
        UserProfile._meta.get_field("user").remote_field.set_cached_value(user, profile)
        return user if self.user_can_authenticate(user) else None
