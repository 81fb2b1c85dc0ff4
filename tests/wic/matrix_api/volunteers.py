"""The permission matrix's rows for the volunteers API (issue 28); see tests/wic/matrix_api/__init__.py.

The world's volunteer programme (tests/wic/permission_world.py `_volunteers`): the lead leads team
A, the volunteer is in team A with four shifts (one checked in, one starting now, two next week,
one of them with a pending drop request); volunteer B (team B, lead B) has the same. Added here:
an applicant, an accepted volunteer in no team, a standby volunteer, a free shift of team A's post,
a standby offer made to the volunteer on another shift of that post, and a notice of a changed
shift for the volunteer.

A refusal the service gives a lead for another team's volunteer (`not_your_team`, 403) is not
tabled here: the matrix has one error code per status and row, and the other roles' 403 on the same
row is `permission_denied`; tests/volunteers/test_api.py asserts it for the scan, the attendance
and the decision of a request."""
from datetime import timedelta

from django.utils import timezone

from tests.volunteers.helpers import make_shift, make_volunteer
from tests.wic.test_permission_matrix import ALL, NONE, OWN, SCAN_ONLY, row, with_ids
from volunteers.models import Assignment, ChangeRequest, Post, Programme, Shift, ShiftChangeAlert, ShiftNotice, StandbyOffer, Team, Volunteer
from volunteers.shift_alerts import shown
from wic import roles


def application_body(world, role):
    return {"programme": world.ids["volunteer_programme"], "name": f"Applicant {role}", "university": "浙江大学", "phone": "13700000000",
            "email": f"matrix-volunteer-{role}@example.org"}


LEADS = (401, 200, 403, 403, 200, 403, 403, 403, 403, 403)  # the lead's actions: organizers and team leads
ORGANIZERS = (401, 200, 403, 403, 403, 403, 403, 403, 403, 403)
MEMBERS = (401, 200, 404, 404, 200, 200, 404, 404, 404, 404)  # a record of the volunteer (team A): them, their lead, organizers
THEIRS = (401, 200, 404, 404, 404, 404, 404, 404, 404, 404)  # volunteer B's (team B)

# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    # -- programmes: anyone reads; the auto-roster is the organizers' (the admin's action) --------------------------------------
    row("GET", "/api/v1/volunteer-programmes/?edition={year}",               ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,
        kind="volunteer-programme"),
    row("GET", "/api/v1/volunteer-programmes/{volunteer_programme}/",        200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/volunteer-programmes/{volunteer_programme}/auto-roster/",
                                                                             *ORGANIZERS),
    # -- applications: anyone applies; organizers decide and interview --------------------------------------------------------
    row("GET", "/api/v1/volunteers/?edition={year}",                         401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="volunteer"),
    row("GET", "/api/v1/volunteers/{volunteer}/",                            *MEMBERS),
    row("GET", "/api/v1/volunteers/{other_volunteer}/",                      *THEIRS),
    row("POST", "/api/v1/volunteers/",                                       201,   201,   201,   201,   201,   201,   201,   201,   201,   201,
        data=application_body),
    row("POST", "/api/v1/volunteers/{applicant_volunteer}/decide/",          *ORGANIZERS,
        data={"decision": "standby"}),
    row("POST", "/api/v1/volunteers/{applicant_volunteer}/interviews/",      *ORGANIZERS,
        data={"round": 1, "score": 80}),
    row("POST", "/api/v1/volunteer-decisions/",                              *ORGANIZERS,
        data=lambda world, role: {"volunteers": [world.ids["applicant_volunteer"]], "decision": "declined"}),
    row("GET", "/api/v1/volunteer-hours/?edition={year}",                    401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="volunteer"),
    # -- teams, posts, training ------------------------------------------------------------------------------------------------
    row("GET", "/api/v1/volunteer-teams/?edition={year}",                    401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="volunteer-team"),
    row("GET", "/api/v1/volunteer-teams/{volunteer_team}/",                  *MEMBERS),
    row("POST", "/api/v1/volunteer-teams/{volunteer_team}/members/",         *ORGANIZERS,
        data=with_ids(volunteer="teamless_volunteer")),
    row("GET", "/api/v1/volunteer-posts/?edition={year}",                    401,   ALL,   NONE,  NONE,  ALL,   ALL,   NONE,  NONE,  NONE,  NONE,
        kind="volunteer-post"),
    row("GET", "/api/v1/volunteer-posts/{volunteer_post}/",                  *MEMBERS),
    row("GET", "/api/v1/training-modules/?edition={year}",                   401,   ALL,   NONE,  NONE,  ALL,   ALL,   NONE,  NONE,  NONE,  NONE,
        kind="training-module"),
    row("GET", "/api/v1/training-modules/{module}/",                         *MEMBERS),
    row("POST", "/api/v1/training-modules/{module}/attendance/",             *LEADS,
        data=with_ids(volunteer="volunteer")),
    row("POST", "/api/v1/training-modules/{module}/attendance-by-code/",     *LEADS,
        data=with_ids(code="volunteer_code")),
    row("POST", "/api/v1/training-modules/{module}/attendance-list/",        *LEADS,
        data=lambda world, role: {"shown": [world.ids["volunteer"]], "present": [world.ids["volunteer"]]}),
    # -- shifts and assignments ------------------------------------------------------------------------------------------------
    row("GET", "/api/v1/shifts/?edition={year}",                             401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="shift"),
    row("GET", "/api/v1/shifts/{volunteer_shift}/",                          *MEMBERS),
    row("GET", "/api/v1/shifts/{other_volunteer_shift}/",                    *THEIRS),
    row("GET", "/api/v1/shift-assignments/?edition={year}",                  401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="shift-assignment"),
    row("GET", "/api/v1/shift-assignments/{assignment_soon}/",               *MEMBERS),
    row("GET", "/api/v1/shift-assignments/{other_assignment_soon}/",         *THEIRS),
    row("POST", "/api/v1/shift-assignments/",                                401,   201,   403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(shift="free_volunteer_shift", volunteer="volunteer")),
    row("POST", "/api/v1/shift-assignments/{assignment_later}/drop/",        *ORGANIZERS),
    # The volunteer checks themself in; the lead and organizers check them in on their behalf.
    row("POST", "/api/v1/shift-assignments/{assignment_soon}/check-in/",     *MEMBERS),
    row("POST", "/api/v1/shift-assignments/{other_assignment_soon}/check-in/",
                                                                             *THEIRS),
    row("POST", "/api/v1/shift-assignments/{assignment_checked_in}/check-out/",
                                                                             *MEMBERS),
    # The lead scans the volunteer's code: checked in on the running shift, so checked out.
    row("POST", "/api/v1/shift-scans/",                                      *LEADS,
        data=with_ids(code="volunteer_code")),
    # -- standby offers and swap/drop requests -----------------------------------------------------------------------------------
    row("GET", "/api/v1/standby-offers/?edition={year}",                     401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="standby-offer"),
    row("GET", "/api/v1/standby-offers/{volunteer_offer}/",                  *MEMBERS),
    row("POST", "/api/v1/standby-offers/",                                   401,   201,   403,   403,   201,   403,   403,   403,   403,   403,
        data=lambda world, role: {"shift": world.ids["volunteer_shift"], "places": 1}),
    # Only the volunteer the offer was made to takes the place.
    row("POST", "/api/v1/standby-offers/{volunteer_offer}/accept/",          401,   403,   404,   404,   403,   200,   404,   404,   404,   404,
        code={403: "not_your_offer"}),
    row("GET", "/api/v1/change-requests/",                                   401,   ALL,   NONE,  NONE,  OWN,   OWN,   NONE,  NONE,  NONE,  NONE,
        kind="change-request"),
    row("GET", "/api/v1/change-requests/{change_request}/",                  *MEMBERS),
    row("GET", "/api/v1/change-requests/{other_change_request}/",            *THEIRS),
    # An assignment that is not the sender's own does not exist for them.
    row("POST", "/api/v1/change-requests/",                                  401,   400,   400,   400,   400,   201,   400,   400,   400,   400,
        data=with_ids(assignment="assignment_later", kind="drop"), code={400: "invalid"}),
    row("POST", "/api/v1/change-requests/{change_request}/decide/",          *LEADS,
        data={"approve": True}),
    # -- notices of changed shifts: one's own ------------------------------------------------------------------------------------
    row("GET", "/api/v1/shift-notices/",                                     401,   OWN,   OWN,   OWN,   OWN,   OWN,   OWN,   OWN,   OWN,   OWN,
        kind="shift-notice"),
    row("POST", "/api/v1/shift-notices/{shift_notice}/dismiss/",             401,   404,   404,   404,   404,   200,   404,   404,   404,   404),
]
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/shifts/?edition={year}",                             401,   ALL,   NONE,  SCAN_ONLY, OWN, OWN,  NONE,  NONE,  NONE,  NONE,
        kind="shift"),
    row("POST", "/api/v1/shift-scans/",                                      401,   200,   403,   SCAN_ONLY, 200, 403,  403,   403,   403,   403,
        data=with_ids(code="volunteer_code")),
]
# fmt: on


def extend_world(world, edition) -> None:
    """The volunteers API's objects (see the module's docstring) and what each role reads of them."""
    users, ids = world.users, world.ids
    programme = Programme.objects.get(edition=edition)
    team = Team.objects.get(programme=programme, leader=users[roles.VOLUNTEER_LEAD])
    volunteer = Volunteer.objects.get(pk=ids["volunteer"])
    other = Volunteer.objects.get(programme=programme, user__username="pm-volunteer-b")
    applicant = make_volunteer(programme, name="Applicant C", status="applied")
    teamless = make_volunteer(programme, name="Volunteer D")
    make_volunteer(programme, name="Standby S", status="standby")
    now = timezone.now().replace(second=0, microsecond=0)
    free = make_shift(team.post, start=now + timedelta(days=4), hours=2, needed=2)
    offered = make_shift(team.post, start=now + timedelta(days=3), hours=2, needed=2)
    offer = StandbyOffer.objects.create(shift=offered, volunteer=volunteer)
    soon = Assignment.objects.get(pk=ids["assignment_soon"]).shift
    alert = ShiftChangeAlert.objects.create(shift=soon, before=soon.watched_values(), opened_at=now, changed_at=now, due_at=now)
    values = shown(soon.watched_values(), {soon.post_id: soon.post})
    notice = ShiftNotice.objects.create(alert=alert, shift=soon, volunteer=volunteer, before=values, after=values)
    ids.update(
        volunteer_programme=programme.pk, volunteer_team=team.pk, volunteer_post=team.post_id, other_volunteer=other.pk,
        applicant_volunteer=applicant.pk, teamless_volunteer=teamless.pk, volunteer_shift=soon.pk,
        other_volunteer_shift=Assignment.objects.get(pk=ids["other_assignment_soon"]).shift_id, free_volunteer_shift=free.pk,
        volunteer_offer=offer.pk, shift_notice=notice.pk,
    )
    lead, me = roles.VOLUNTEER_LEAD, roles.VOLUNTEER
    mine = set(Assignment.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
    shifts = Shift.objects.filter(post__programme=programme)
    offers = StandbyOffer.objects.filter(shift__post__programme=programme)
    world.owned.update({
        "volunteer-programme": {"all": {programme.pk}},
        "volunteer": {"all": set(Volunteer.objects.filter(programme=programme).values_list("pk", flat=True)), lead: {volunteer.pk}, me: {volunteer.pk}},
        "volunteer-team": {"all": set(Team.objects.filter(programme=programme).values_list("pk", flat=True)), lead: {team.pk}, me: {team.pk}},
        "volunteer-post": {"all": set(Post.objects.filter(programme=programme).values_list("pk", flat=True))},
        "training-module": {"all": {ids["module"]}},
        "shift": {
            "all": set(shifts.values_list("pk", flat=True)),
            lead: set(shifts.filter(post=team.post).values_list("pk", flat=True)),
            me: set(Assignment.objects.filter(pk__in=mine).values_list("shift_id", flat=True)),
        },
        "shift-assignment": {"all": set(Assignment.objects.filter(shift__post__programme=programme).values_list("pk", flat=True)), lead: mine, me: mine},
        "standby-offer": {"all": set(offers.values_list("pk", flat=True)), lead: set(offers.filter(shift__post=team.post).values_list("pk", flat=True)), me: {offer.pk}},
        "change-request": {"all": {ids["change_request"], ids["other_change_request"]}, lead: {ids["change_request"]}, me: {ids["change_request"]}},
        "shift-notice": {"all": {notice.pk}, me: {notice.pk}},
    })
    assert ChangeRequest.objects.filter(pk__in=world.owned["change-request"]["all"]).count() == 2
