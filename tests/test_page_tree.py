"""The page tree (docs/admin-and-moderation.md): each page type only where it belongs, both ways."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from workinggroups.models import MeetingReportPage, ProgrammePage, RecommendationPage, WorkingGroupPage

pytestmark = pytest.mark.usefixtures("shared_world")


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_page_holds_only_programmes(self):
        self.assertAllowedSubpageTypes(HomePage, {ProgrammePage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_programme_lives_under_home_and_holds_groups(self):
        self.assertAllowedParentPageTypes(ProgrammePage, {HomePage})
        self.assertAllowedSubpageTypes(ProgrammePage, {WorkingGroupPage})

    def test_group_lives_under_a_programme_and_holds_reports_and_recommendations(self):
        self.assertAllowedParentPageTypes(WorkingGroupPage, {ProgrammePage})
        self.assertAllowedSubpageTypes(WorkingGroupPage, {MeetingReportPage, RecommendationPage})

    def test_reports_and_recommendations_are_leaves_under_a_group(self):
        for leaf in (MeetingReportPage, RecommendationPage):
            self.assertAllowedParentPageTypes(leaf, {WorkingGroupPage})
            self.assertAllowedSubpageTypes(leaf, set())

    def test_nothing_is_created_out_of_place(self):
        self.assertCanCreateAt(HomePage, ProgrammePage)
        self.assertCanCreateAt(ProgrammePage, WorkingGroupPage)
        self.assertCanCreateAt(WorkingGroupPage, MeetingReportPage)
        self.assertCanCreateAt(WorkingGroupPage, RecommendationPage)
        self.assertCanNotCreateAt(HomePage, WorkingGroupPage)
        self.assertCanNotCreateAt(HomePage, MeetingReportPage)
        self.assertCanNotCreateAt(ProgrammePage, MeetingReportPage)
        self.assertCanNotCreateAt(ProgrammePage, RecommendationPage)
        self.assertCanNotCreateAt(ProgrammePage, ProgrammePage)
        self.assertCanNotCreateAt(WorkingGroupPage, WorkingGroupPage)
        self.assertCanNotCreateAt(MeetingReportPage, RecommendationPage)
        self.assertCanNotCreateAt(RecommendationPage, MeetingReportPage)

    def test_there_is_one_home_page(self):
        # The data migration made it; max_count forbids a second one under the root.
        self.assertEqual(HomePage.objects.count(), 1)
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))
