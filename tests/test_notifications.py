"""Follows and notifications: who hears of what, when, and only of what they may see when it is sent."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.users.models import UserProfile

from notifications import delivery, tasks, unsubscribe
from notifications.choices import Frequency, Kind
from notifications.delivery import send_digests
from notifications.follows import followers, is_following, set_following
from notifications.models import Delivery, Event, Notification, Preference
from workinggroups.choices import AssemblyOutcome, BoardPosition, Fact
from workinggroups.roles import board_group

from .factories import BoardMemberFactory, UserFactory, make_minutes, publish_recommendation

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def announced(django_capture_on_commit_callbacks):
    """Run what was queued for after the commit (the events' announcements) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def notified(event_kind, page=None):
    rows = Notification.objects.filter(kind=event_kind)
    if page is not None:
        rows = rows.filter(event__page_id=page.pk)
    return set(rows.values_list("user__username", flat=True))


def people(*users):
    return {user.username for user in users}


# Who follows what


def test_members_follow_their_group_and_the_board_the_programme_by_default(group_a, group_b, programme):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    assert is_following(group_a.people[0], group_a)
    assert is_following(group_a.facilitator, group_a)
    assert not is_following(group_b.people[0], group_a)
    assert is_following(board, programme)
    assert not is_following(group_a.people[0], programme)
    recommendation = publish_recommendation(group_a, 41, "Une charte").recommendation
    assert {board, *group_a.people, group_a.facilitator, group_a.liaison} <= set(followers(recommendation))
    assert not set(group_b.people) & set(followers(recommendation))


def test_a_default_can_be_undone_and_stays_undone_and_anyone_may_follow(group_a, group_b):
    leaving, joining = group_a.people[0], group_b.people[0]
    set_following(leaving, group_a, False)
    set_following(joining, group_a, True)
    assert not is_following(leaving, group_a)
    assert is_following(joining, group_a)
    recommendation = publish_recommendation(group_a, 42, "Un comité").recommendation
    audience = set(followers(recommendation))
    assert leaving not in audience and joining in audience


# Events reach the people who may see them, when they are sent


def test_a_published_recommendation_reaches_its_followers_and_nobody_else(group_a, group_b, announced):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    with announced():
        recommendation = publish_recommendation(group_a, 43, "Une charte éthique").recommendation
    reached = notified(Kind.RECOMMENDATION, recommendation)
    assert people(*group_a.people, group_a.facilitator, group_a.liaison, board) <= reached
    assert not reached & people(*group_b.people, group_b.facilitator)


def test_a_page_made_private_before_it_is_sent_reaches_only_those_who_may_still_see_it(
    group_a, announced, django_capture_on_commit_callbacks
):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    with django_capture_on_commit_callbacks() as queued:  # published, not announced yet
        recommendation = publish_recommendation(group_a, 44, "Dite au Conseil seul").recommendation
    restriction = PageViewRestriction.objects.create(
        page=recommendation, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([board_group()])
    for callback in queued:
        callback()  # the worker's turn: the page is now the board's alone
    reached = notified(Kind.RECOMMENDATION, recommendation)
    assert board.username in reached and group_a.liaison.username in reached  # the liaison sits on the board
    assert not reached & people(*group_a.people, group_a.facilitator)


def test_a_page_unpublished_before_it_is_sent_is_announced_to_nobody(
    group_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        recommendation = publish_recommendation(group_a, 45, "Retirée aussitôt").recommendation
    recommendation.unpublish()
    for callback in queued:
        callback()
    assert notified(Kind.RECOMMENDATION, recommendation) == set()
    assert Event.objects.get(kind=Kind.RECOMMENDATION, page_id=recommendation.pk).announced_at is not None


def test_a_digest_leaves_out_what_was_made_private_since_it_was_notified(group_a, announced):
    with announced():
        first = publish_recommendation(group_a, 46, "Toujours visible").recommendation
        second = publish_recommendation(group_a, 47, "Fermée depuis CANARIDIGEST").recommendation
    restriction = PageViewRestriction.objects.create(page=second, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([board_group()])
    mail.outbox.clear()
    send_digests(Frequency.DAILY)
    member = group_a.people[0]
    (digest,) = [message for message in mail.outbox if message.to == [member.email]]
    assert first.title in digest.body
    assert "CANARIDIGEST" not in digest.body and "CANARIDIGEST" not in digest.alternatives[0][0]


def test_the_person_who_acted_is_not_told_of_it(group_a, announced):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    decision = publish_recommendation(group_a, 48, "Une charte")
    with announced():
        decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board)
    reached = notified(Kind.POSITION, decision.recommendation)
    assert board.username not in reached
    assert group_a.people[0].username in reached


def test_minutes_reach_their_group_only_and_their_title_nobody_else(group_a, group_b, announced):
    with announced():
        make_minutes(group_a, title="PV CANARIPV5521")
    reached = notified(Kind.MINUTES)
    assert people(*group_a.people) <= reached
    assert group_a.facilitator.username not in reached  # who added them
    assert not reached & people(*group_b.people, group_b.facilitator)
    outsider = Client()
    outsider.force_login(group_b.people[0], backend="accounts.backends.IntranetModelBackend")
    assert "CANARIPV5521" not in outsider.get("/notifications/").content.decode()


# Emails: at once, digests, never twice


def test_an_assembly_outcome_is_emailed_at_once_in_text_and_html_with_one_click_unsubscribe(
    group_a, announced
):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    decision = publish_recommendation(group_a, 49, "Une charte")
    decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board)
    decision.record(Fact.POSITION, BoardPosition.ADOPTED, board, note="Bien.")
    mail.outbox.clear()
    with announced():
        decision.record(Fact.ASSEMBLY, AssemblyOutcome.ADOPTED, board, assembly_date=timezone.localdate())
    member = group_a.people[0]
    (message,) = [message for message in mail.outbox if message.to == [member.email]]
    assert "Une charte" in message.subject
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html and "Une charte" in html
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    # The task runs again (a retry after a crash): nothing is sent twice.
    event = Event.objects.get(kind=Kind.ASSEMBLY)
    Event.objects.filter(pk=event.pk).update(announced_at=None)
    mail.outbox.clear()
    from notifications.delivery import announce, email_at_once

    announce(event.pk)
    email_at_once(event)
    assert mail.outbox == []
    assert Delivery.objects.filter(user=member, period=f"event:{event.pk}").count() == 1


def test_emails_go_in_the_persons_language(group_a, announced):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    member = group_a.people[0]
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "nl"
    profile.save()
    decision = publish_recommendation(group_a, 50, "Une charte")
    decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board)
    decision.record(Fact.POSITION, BoardPosition.ADOPTED, board, note="Bien.")
    with announced():
        decision.record(Fact.ASSEMBLY, AssemblyOutcome.ADOPTED, board, assembly_date=timezone.localdate())
    (message,) = [message for message in mail.outbox if message.to == [member.email]]
    assert 'lang="nl"' in message.alternatives[0][0]


def test_one_daily_digest_lists_everything_new_once_and_only_once(group_a, announced):
    member = group_a.people[0]
    with announced():
        publish_recommendation(group_a, 51, "Première")
        publish_recommendation(group_a, 52, "Seconde")
    mail.outbox.clear()
    assert send_digests(Frequency.DAILY) >= 1
    mine = [message for message in mail.outbox if message.to == [member.email]]
    assert len(mine) == 1
    assert "Première" in mine[0].body and "Seconde" in mine[0].body
    assert "2" in mine[0].subject
    assert mine[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail.outbox.clear()
    assert send_digests(Frequency.DAILY) == 0  # run again the same day: nothing
    assert mail.outbox == []


def test_a_digest_run_is_queued_in_batches_of_people_that_share_its_time_and_send_once(
    group_a, announced, settings, monkeypatch
):
    """One task per DIGEST_BATCH people (every worker process takes part, a dead one loses one
    batch), each with the run's time: a batch run late writes the run's period. Run twice, or
    queued again by a second run, a batch sends nothing twice."""
    settings.DIGEST_BATCH = 2
    with announced():
        publish_recommendation(group_a, 58, "Par lots")
    mail.outbox.clear()
    queued = []
    monkeypatch.setattr(tasks, "run_task", lambda task, *args: queued.append((task.name, args)))
    now = timezone.now()
    people = send_digests(Frequency.DAILY, now, queue_batch=tasks.queue_batch)
    assert people >= 5 and people == sum(len(user_ids) for _name, (_f, _now, user_ids) in queued)
    assert {name for name, _args in queued} == {"notifications.tasks.send_digest_batch"}
    assert {len(user_ids) for _name, (_f, _now, user_ids) in queued} <= {1, 2}
    assert {(frequency, when) for _name, (frequency, when, _ids) in queued} == {("daily", now.isoformat())}
    assert send_digests(Frequency.DAILY, now, queue_batch=tasks.queue_batch) == people  # none written yet
    for _name, args in queued:
        delivery.send_digest_batch(*args)
    assert len(mail.outbox) == people
    assert len({message.to[0] for message in mail.outbox}) == people
    assert set(Delivery.objects.filter(event=None).values_list("period", flat=True)) == {
        delivery.period_key(Frequency.DAILY, now)
    }
    assert send_digests(Frequency.DAILY, now) == 0


def test_never_means_no_email_but_still_on_the_notifications_page(group_a, announced, as_user):
    member = group_a.people[0]
    Preference.objects.create(user=member, kind=Kind.RECOMMENDATION, frequency=Frequency.NEVER)
    with announced():
        publish_recommendation(group_a, 53, "Sans email")
    mail.outbox.clear()
    send_digests(Frequency.DAILY)
    assert not [message for message in mail.outbox if message.to == [member.email]]
    assert "Sans email" in as_user(member).get("/notifications/").content.decode()


# One-click unsubscribe


def test_one_click_unsubscribe_needs_no_login_and_a_get_changes_nothing(group_a):
    member = group_a.people[0]
    path = unsubscribe.url(member, kind=Kind.ASSEMBLY).split("127.0.0.1:8000", 1)[-1]
    path = re.sub(r"^https?://[^/]+", "", path)
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)
    assert page.status_code == 200 and not Preference.objects.filter(user=member).exists()
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=member, kind=Kind.ASSEMBLY).frequency == Frequency.NEVER


def test_a_digest_unsubscribe_stops_every_kind_in_that_digest(group_a):
    member = group_a.people[0]
    path = re.sub(r"^https?://[^/]+", "", unsubscribe.url(member, frequency=Frequency.DAILY))
    Client().post(path)
    chosen = dict(Preference.objects.filter(user=member).values_list("kind", "frequency"))
    assert chosen == {
        Kind.REPORT: Frequency.NEVER,
        Kind.RECOMMENDATION: Frequency.NEVER,
        Kind.POSITION: Frequency.NEVER,
        Kind.MINUTES: Frequency.NEVER,
    }


@pytest.mark.parametrize("how", ["forged", "expired", "another salt"])
def test_a_forged_or_expired_unsubscribe_link_changes_nothing(group_a, settings, how):
    member = group_a.people[0]
    value = unsubscribe.token(member, kind=Kind.ASSEMBLY)
    if how == "forged":
        value = signing.dumps({"u": member.pk, "k": "assembly"}, key="not-the-secret", salt=unsubscribe.SALT)
    elif how == "another salt":
        value = signing.dumps({"u": member.pk, "k": "assembly"}, salt="documents")
    else:
        settings.UNSUBSCRIBE_MAX_AGE_DAYS = -1
    response = Client().post(f"/notifications/desabonnement/{value}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert not Preference.objects.filter(user=member).exists()


# Following from the pages


def test_the_follow_button_follows_and_unfollows_and_comes_back(group_a, as_user):
    member = group_a.people[0]
    client = as_user(member)
    page = client.get(group_a.url).content.decode()
    assert "Ne plus suivre" in page
    response = client.post(f"/notifications/suivre/{group_a.pk}/", {"following": "0", "next": group_a.url})
    assert response.status_code == 302 and response["Location"] == group_a.url
    assert not is_following(member, group_a)
    assert ">Suivre<" in client.get(group_a.url).content.decode()


@pytest.mark.parametrize("target", ["private", "home", "nonsense", "overflow"])
def test_nobody_follows_what_they_may_not_see_or_what_cannot_be_followed(group_a, group_b, as_user, target):
    outsider = group_b.people[0]
    if target == "private":
        restriction = PageViewRestriction.objects.create(
            page=group_a, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set([group_a.django_group])
        page_id = str(group_a.pk)
    elif target == "home":
        page_id = str(group_a.get_parent().get_parent().pk)  # the home page: nothing to follow there
    elif target == "nonsense":
        page_id = "①"
    else:
        page_id = "9" * 30
    response = as_user(outsider).post(f"/notifications/suivre/{page_id}/", {"following": "1"})
    assert response.status_code == 404
    assert not outsider.follows.exists()


def test_following_refuses_get_and_ignores_a_next_elsewhere(group_a, as_user):
    client = as_user(group_b_member := group_a.people[1])
    assert client.get(f"/notifications/suivre/{group_a.pk}/").status_code == 405
    response = client.post(
        f"/notifications/suivre/{group_a.pk}/", {"following": "0", "next": "https://evil.example/"}
    )
    assert response["Location"] == group_a.url
    assert not is_following(group_b_member, group_a)


def test_a_bad_choice_of_frequency_is_refused_and_saves_nothing(group_a, as_user):
    member = group_a.people[0]
    response = as_user(member).post(
        "/notifications/choix/",
        dict.fromkeys(("report", "recommendation", "position", "follow_up", "minutes"), "daily")
        | {"assembly": "hourly"},
    )
    assert response.status_code == 400
    assert "assembly" in response.content.decode() or "Décision" in response.content.decode()
    assert not Preference.objects.filter(user=member).exists()


# Personal bits never cross between people with the same rights (DESIGN §11b)


def test_the_unread_count_and_follow_buttons_are_each_persons_own_on_cached_pages(
    group_a, announced, as_user
):
    # Two members of no group, not using the admin: the same rights, so the same cached pages.
    reader, other = UserFactory(username="lectrice"), UserFactory(username="lecteur")
    set_following(reader, group_a, True)
    with announced():
        publish_recommendation(group_a, 54, "Une charte")
        publish_recommendation(group_a, 55, "Un comité")
    first = as_user(reader).get(group_a.url)
    second = as_user(other).get(group_a.url)
    assert second["X-Page-Cache"] == "hit"  # the same rights: the same stored page
    assert 'class="unread-count" aria-hidden="true">2<' in first.content.decode()
    assert "unread-count" not in second.content.decode()
    assert "Ne plus suivre" in first.content.decode() and "Ne plus suivre" not in second.content.decode()


def test_new_marks_show_what_appeared_since_the_persons_last_visit(group_a, as_user):
    from notifications.models import Visit

    # Two members of no group, not using the admin: the same rights, so the same cached pages.
    reader, newcomer = UserFactory(username="lectrice"), UserFactory(username="nouveau")
    client = as_user(reader)
    client.get(group_a.url)  # a first visit
    Visit.objects.filter(user=reader).update(last_seen=timezone.now() - timezone.timedelta(hours=3))
    publish_recommendation(group_a, 56, "Toute nouvelle")
    page = client.get(group_a.url).content.decode()  # a new visit: since three hours ago
    assert re.search(r'class="new-mark">nouveau</span>\s*<a href="[^"]+"[^>]*>Toute nouvelle', page)
    assert page.count('class="new-mark"') == 1
    other = as_user(newcomer).get(group_a.url)  # no earlier visit: nothing is new to them
    assert other["X-Page-Cache"] == "hit"
    assert 'class="new-mark"' not in other.content.decode()


def test_the_notifications_page_lists_and_marks_read(group_a, announced, as_user):
    member = group_a.people[0]
    with announced():
        publish_recommendation(group_a, 57, "Une charte")
    client = as_user(member)
    page = client.get("/notifications/").content.decode()
    assert "Une charte" in page and "notification--unread" in page
    assert Notification.objects.filter(user=member, read_at=None).count() == 0
    assert "unread-count" not in client.get(group_a.url).content.decode()


def test_the_profile_lists_what_the_person_follows(group_a, programme, as_user):
    page = as_user(group_a.people[0]).get("/mon-compte/").content.decode()
    assert group_a.title in page and "suivi d'office" in page
    assert "/notifications/choix/" in page


# Answers to the person themselves


def test_a_page_sent_back_then_approved_tells_its_author_with_the_comment(
    group_a, editor, as_user, announced
):
    from wagtail.models import Workflow

    from workinggroups.workflow import WORKFLOW_NAME

    from .factories import MeetingReportPageFactory
    from .workflow_helpers import act

    author = group_a.people[0]
    report = MeetingReportPageFactory(parent=group_a, title="Réunion de mai", slug="mai", live=False)
    report.save_revision(user=author)
    Workflow.objects.get(name=WORKFLOW_NAME).start(report, author)
    with announced():
        act(as_user(group_a.facilitator), report, "reject", comment="Ajoutez les présents.")
    (sent_back,) = Notification.objects.filter(user=author, kind=Kind.MODERATION)
    assert sent_back.event.data == {"outcome": "rejected", "comment": "Ajoutez les présents."}
    page = as_user(author).get("/notifications/").content.decode()
    assert "Renvoyée pour modification" in page and "Ajoutez les présents." in page
    assert not Notification.objects.filter(kind=Kind.MODERATION).exclude(user=author).exists()


def test_an_access_request_answered_is_on_the_requesters_notifications_page(
    group_a, member, as_user, announced
):
    from documents.models import AccessRequest

    minutes = make_minutes(group_a, title="PV CANARIPV9013")
    access_request = AccessRequest.objects.create(
        requester=member, working_group=group_a, document=minutes, reason="Pour préparer l'AG."
    )
    with announced():
        access_request.grant(group_a.facilitator)
    (notification,) = Notification.objects.filter(kind=Kind.ACCESS)
    assert notification.user == member
    assert "accordée" in as_user(member).get("/notifications/").content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_the_notifications_page_costs_the_same_queries_for_3_or_25_items(
    group_a, as_user, announced, count, django_assert_max_num_queries
):
    board = BoardMemberFactory(username="conseil-sans-groupe")
    with announced():
        for number in range(count):
            decision = publish_recommendation(group_a, 100 + number, f"Recommandation {number}")
            decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board)
    client = as_user(group_a.people[0])
    client.get("/")
    with django_assert_max_num_queries(24):
        page = client.get("/notifications/").content.decode()
    assert page.count("notification--unread") == min(2 * count, 30)


# When the task queue's broker is down


def test_with_the_broker_down_a_publication_succeeds_and_is_announced_by_the_sweep_later(
    group_a, settings, django_capture_on_commit_callbacks
):
    """Redis unreachable: the publication is saved, its event waits in the database unannounced (not
    dropped), and the sweep announces it once the queue works again."""
    import datetime

    from intranet.celery import app
    from mailing.queue import BROKER_OUTAGE
    from notifications.delivery import sweep

    from .servers import free_ports
    from .test_mailing import use_broker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    use_broker(app, f"redis://127.0.0.1:{free_ports(1)[0]}/0")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            recommendation = publish_recommendation(group_a, 58, "Pendant la panne").recommendation
    finally:
        use_broker(app, None)
        settings.CELERY_TASK_ALWAYS_EAGER = True
        BROKER_OUTAGE.succeeded()
    assert recommendation.live
    event = Event.objects.get(kind=Kind.RECOMMENDATION, page_id=recommendation.pk)
    assert event.announced_at is None and not Notification.objects.filter(event=event).exists()
    sweep(timezone.now() + datetime.timedelta(minutes=2))
    assert people(*group_a.people) <= notified(Kind.RECOMMENDATION, recommendation)


def test_a_page_published_again_after_a_change_is_not_news_again(group_a, announced):
    with announced():
        recommendation = publish_recommendation(group_a, 59, "Une charte").recommendation
    recommendation.title = "Une charte, corrigée"
    with announced():
        recommendation.save_revision().publish()
    assert Event.objects.filter(kind=Kind.RECOMMENDATION, page_id=recommendation.pk).count() == 1
    assert Notification.objects.filter(user=group_a.people[0], kind=Kind.RECOMMENDATION).count() == 1


def test_a_recommendation_says_when_its_group_is_already_followed(group_a, group_b, as_user):
    recommendation = publish_recommendation(group_a, 60, "Une charte").recommendation
    member_page = as_user(group_a.people[0]).get(recommendation.url).content.decode()
    assert f"Vous en êtes prévenu·e : vous suivez « {group_a.title} »." in member_page
    assert 'class="follow-form"><input' not in member_page  # no button that would change nothing
    outsider = as_user(group_b.people[0])
    assert ">Suivre<" in outsider.get(recommendation.url).content.decode()
    outsider.post(f"/notifications/suivre/{recommendation.pk}/", {"following": "1"})
    assert ">Ne plus suivre<" in outsider.get(recommendation.url).content.decode()


def test_a_member_reads_the_minutes_notification_of_their_group(group_a, programme, announced, as_user):
    from .factories import make_private_group

    make_private_group(programme)  # page restrictions exist too
    with announced():
        make_minutes(group_a, title="PV CANARIPV7731")
    page = as_user(group_a.people[0]).get("/notifications/")
    assert page.status_code == 200
    assert "PV CANARIPV7731" in page.content.decode()


def test_what_became_private_is_neither_listed_nor_counted_and_older_items_stay_reachable(
    group_a, group_b, announced, as_user
):
    reader = UserFactory(username="lectrice")
    set_following(reader, group_a, True)
    set_following(reader, group_b, True)
    with announced():
        publish_recommendation(group_a, 61, "Toujours lisible")
        for number in range(31):
            publish_recommendation(group_b, 200 + number, f"Bientôt fermée {number}")
    restriction = PageViewRestriction.objects.create(
        page=group_b, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([board_group()])
    client = as_user(reader)
    home = client.get("/").content.decode()
    assert 'class="unread-count" aria-hidden="true">1<' in home  # the hidden 31 are not even counted
    page = client.get("/notifications/").content.decode()
    assert "Toujours lisible" in page and "Bientôt fermée" not in page


def test_following_with_a_missing_or_odd_answer_changes_nothing(group_a, as_user):
    member = group_a.people[0]
    for data in ({}, {"following": "true"}, {"following": "2"}):
        response = as_user(member).post(f"/notifications/suivre/{group_a.pk}/", data)
        assert response.status_code == 400 and "rien n'a été changé" in response.content.decode()
    assert is_following(member, group_a) and not member.follows.exists()


def test_the_unsubscribe_page_speaks_the_language_of_the_email(group_a):
    member = group_a.people[0]
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "nl"
    profile.save()
    path = re.sub(r"^https?://[^/]+", "", unsubscribe.url(member, kind=Kind.ASSEMBLY))
    page = Client(HTTP_ACCEPT_LANGUAGE="fr").get(path).content.decode()
    assert "Bevestigen" in page and "Confirmer" not in page


def test_a_member_who_unfollowed_their_group_is_not_told_of_its_minutes(group_a, announced):
    leaving = group_a.people[0]
    set_following(leaving, group_a, False)
    with announced():
        make_minutes(group_a, title="PV CANARIPV4410")
    reached = notified(Kind.MINUTES)
    assert leaving.username not in reached and group_a.people[1].username in reached


def test_neither_the_author_nor_whoever_approved_is_told_of_the_publication(group_a, as_user, announced):
    from wagtail.models import Workflow

    from workinggroups.workflow import WORKFLOW_NAME

    from .factories import MeetingReportPageFactory
    from .workflow_helpers import act

    author = group_a.people[0]
    report = MeetingReportPageFactory(parent=group_a, title="Réunion de juin", slug="juin", live=False)
    report.save_revision(user=author)
    Workflow.objects.get(name=WORKFLOW_NAME).start(report, author)
    act(as_user(group_a.facilitator), report, "approve")
    with announced():
        act(as_user(group_a.liaison), report, "approve")  # the board's step publishes it
    reached = notified(Kind.REPORT, report)
    assert group_a.people[1].username in reached
    assert author.username not in reached and group_a.liaison.username not in reached


def test_minutes_notifications_follow_the_minutes_rule_with_closed_collections_and_grants(
    group_a, group_b, board_member, member
):
    """The unread count's filter (notifications.audience.visible) keeps the rule of documents/access.py:
    a member outside the groups sees the minutes they were granted only; the board sees every group's,
    a grant of its own narrowing nothing."""
    from documents.models import AccessRequest
    from notifications.audience import visible

    in_a, in_b = make_minutes(group_a, title="PV A", filename="a.pdf"), make_minutes(group_b, title="PV B")
    for person in (member, board_member):
        for document in (in_a, in_b):
            event = Event.objects.create(kind=Kind.MINUTES, document=document)
            Notification.objects.create(user=person, event=event, kind=Kind.MINUTES)

    def seen(person):
        person = type(person).objects.get(pk=person.pk)  # rights are read once per user object
        rows = Notification.objects.filter(user=person).filter(visible(person, []))
        return {row.event.document.title for row in rows}

    assert seen(member) == set()
    AccessRequest.objects.create(requester=member, working_group=group_a, reason="Lire.").grant(board_member)
    AccessRequest.objects.create(requester=board_member, working_group=group_a, reason="Lire.").grant(
        board_member
    )
    assert seen(member) == {"PV A"}
    assert seen(board_member) == {"PV A", "PV B"}


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_the_follow_button_escapes_the_title_it_names_and_the_address_it_returns_to(rf, language):
    from django.utils import translation

    from notifications.personal import _follow_button

    request = rf.get("/groupe/?x=1&y=<script>")
    with translation.override(language):
        told = _follow_button(request, 7, {7: (False, "Groupe <b>&'\" éthique")}).decode()
        form = _follow_button(request, 7, {7: (False, None)}).decode()
        following = _follow_button(request, 7, {7: (True, None)}).decode()
    assert "<b>" not in told and "Groupe &lt;b&gt;&amp;&#x27;&quot; éthique" in told
    assert told.startswith('<p class="follow-form meta">')
    assert 'name="next" value="/groupe/?x=1&amp;y=%3Cscript%3E"' in form and "<script>" not in form
    assert 'action="/notifications/suivre/7/"' in form and 'name="following" value="1"' in form
    assert 'name="following" value="0"' in following
    assert _follow_button(request, 8, {7: (True, None)}) == b""  # not a page one follows
