from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class IntranetModelBackend(ModelBackend):
    """Django's backend, loading the person's Wagtail profile with them: their language
    (languages/i18n.py) is read on every request without another query."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("wagtail_userprofile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
