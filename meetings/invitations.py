"""Invitations (.ics, METHOD:REQUEST or CANCEL) and reminders: written by the helper branch."""


def invite_after_commit(meeting, change):
    """Queue the invitations of ``change`` ("planned", "moved", "cancelled") once committed."""
