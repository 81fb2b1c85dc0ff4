"""The permission matrix: who may do what, stated once, for every protected page and API action.

Each row of TABLE is one page or API action; its cells are what each role gets, in ROLES order:

    anon   organizer   reviewer   gate   volunteer-lead   volunteer   applicant   member-representative
    exhibitor   attendee

The world the rows run against is tests/wic/permission_world.py: each role's account has its
own objects (the volunteer's shifts, the exhibitor's entry, the member's recommendation...) and
`{other_...}` placeholders name someone else's object of the same kind, so a row on it shows the
object-level check. A cell is

    200, 201, 400, 403, 404, 405...   that status exactly; an API error body (or any JSON error)
                                      carries the row's `code` (401 not_authenticated, 403
                                      permission_denied, 404 not_found, 405 method_not_allowed
                                      unless the row names a domain code); an HTML 403 or 404 is
                                      the site's 403.html / 404.html page
    LOGIN                             302 to a sign-in page (the site's, or the admin's)
    REDIRECT                          302 somewhere else than a sign-in page
    DONE                              302 after the action was done: its success message, no error
    refused("code")                   302 back with the error message of that domain code
    OWN / ALL / NONE                  200, and the list holds of the world's objects of the row's
                                      kind exactly the role's own / all of them / none
    SCAN_ONLY                         403 `token_scope`: a scan token anywhere but the gate's scan
                                      (TOKEN_TABLE, where each role sends its own API token)
    bug(expected, "why")              what the code should answer and does not (yet): the cell is
                                      an xfail(strict=True), so fixing the code makes it fail
                                      until the marker goes

Only organizers are staff: in the admin everyone else is sent to the admin's sign-in page.
"""
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction

from tests.wic.permission_world import ROLES, YEAR, build_world


# -- cells ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Login:
    def __repr__(self):
        return "LOGIN"


@dataclass(frozen=True)
class Done:
    def __repr__(self):
        return "DONE"


@dataclass(frozen=True)
class Redirect:
    def __repr__(self):
        return "REDIRECT"


@dataclass(frozen=True)
class Refused:
    code: str


@dataclass(frozen=True)
class Listing:
    which: str  # "own", "all" or "none"


@dataclass(frozen=True)
class ScanOnly:
    def __repr__(self):
        return "SCAN_ONLY"


@dataclass(frozen=True)
class Bug:
    expected: Any
    reason: str


LOGIN, DONE, REDIRECT, SCAN_ONLY = Login(), Done(), Redirect(), ScanOnly()
OWN, ALL, NONE = Listing("own"), Listing("all"), Listing("none")


def refused(code: str) -> Refused:
    return Refused(code)


def bug(expected, reason: str) -> Bug:
    return Bug(expected, reason)


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # a template: {placeholders} are the world's ids
    cells: tuple
    data: Any = None  # a body, or callable(world, role) -> body
    label: str = ""  # tells apart rows with the same method and path
    kind: str = ""  # the world's objects an OWN/ALL/NONE cell counts
    code: dict = field(default_factory=dict)  # status -> the error code the body carries
    headers: dict = field(default_factory=dict)
    as_json: bool = False  # send the body as JSON (always so under /api/)
    page: str = ""  # the template an HTML 403/404 renders, when not the site's 403.html/404.html


def row(method, path, *cells, **options) -> Row:
    assert len(cells) == len(ROLES), f"{method} {path}: {len(cells)} cells for {len(ROLES)} roles"
    return Row(method, path, tuple(cells), **options)


# -- request bodies ----------------------------------------------------------------------------------

def registration_body(world, role):
    return {"edition": YEAR, "name": f"Guest {role}", "email": f"matrix-{role}@example.org", "organization_name": "Example Org", "country": "FR",
            "category": "enterprise", "participation": "on_site", "consent": True}


def scan_body(world, role):
    return {"list": world.ids["checkin_list"], "secret": world.secret, "nonce": str(uuid.uuid4()), "scanned_at": f"{YEAR}-11-10T09:00:00+08:00"}


def exhibitor_application_body(world, role):
    return {"edition": YEAR, "organization_name_zh": f"新参展商{role}", "country": "CN", "fields": ["ai"], "products_zh": "产品", "booth_size": 9,
            "contact_name": "联系人", "contact_email": f"apply-{role}@example.org"}


def review_form(world, role):
    return {f"score_{pk}": "4" for pk in world.ids["criteria"]}


def review_body(world, role):
    return {"scores": {str(pk): {"score": 4} for pk in world.ids["criteria"]}}


def individual_form(world, role):
    prefix = f"p{world.ids['programme']}"
    return {f"{prefix}-person_name": "李四", f"{prefix}-citation": "长期贡献"}


def meeting_form(world, role):
    return {"start": world.ids["meeting_start"], "minutes": "30", "message": "hello"}


def programme_body(**extra):
    return lambda world, role: {"programme": world.ids["programme"], **{k: v(world) if callable(v) else v for k, v in extra.items()}}


def with_ids(**template):
    """A body whose values name the world's ids: with_ids(module="module") -> {"module": <pk>}."""
    return lambda world, role: {key: (world.ids[value] if isinstance(value, str) and value in world.ids else value) for key, value in template.items()}


JSON_ACCEPT = {"accept": "application/json"}

# Only organizers are staff: the admin's pages and the organizers' exports.
#                anon   org    rev    gate   lead   vol    appl   memb   exh    att
ORGANIZERS = (LOGIN, 200, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)

# Every ModelAdmin's changelist (the guard test below keeps this list equal to the admin's registry).
ADMIN_CHANGELISTS = (
    "auth/user", "auth/group", "auditlog/logentry",
    "wic/edition", "wic/editionfigure", "wic/organization", "wic/editionorganization", "wic/member", "wic/outgoingemail", "wic/apitoken",
    "wic/wicorganization",  # issue 21, point 9
    "wic/webhookendpoint", "wic/webhookdelivery",  # issue 28: webhooks (wic/webhooks.py)
    "agenda/venue", "agenda/hall", "agenda/board", "agenda/session", "agenda/outcome",
    "agenda/sessionchangealert", "volunteers/shiftchangealert",  # issue 25: change alerts (read only)
    "people/person", "people/appearance",  # issue 22: the people app, organizers' like the agenda
    "forums/forumcall", "forums/reviewer", "forums/forumapplication", "forums/review", "forums/applicationtransition",
    "registration/registration", "registration/credential", "registration/checkinlist", "registration/invitation", "registration/checkin",
    "volunteers/programme", "volunteers/volunteer", "volunteers/trainingmodule", "volunteers/post", "volunteers/team", "volunteers/shift",
    "volunteers/assignment", "volunteers/changerequest", "volunteers/standbyoffer", "volunteers/shiftcheck",
    "awards/awardprogramme", "awards/nomination", "awards/recommendation", "awards/awardreviewer", "awards/enterpriserepresentative",
    "expo/exhibitor", "expo/booth", "expo/boothallotment", "expo/launch", "expo/talentlisting", "expo/meetingrequest", "expo/expo",
    "expo/zone", "expo/section", "expo/exhibit",
    "protocol/delegation", "protocol/invitationitem", "protocol/invitationcard", "protocol/seatingplan", "protocol/seatassignment",  # issue 23
    "travel/visaletter", "travel/travelleg", "travel/pickuprun", "travel/hotel", "travel/roomblock", "travel/roomstay", "travel/meal", "travel/shuttleloop",  # issue 24
    "companion/servicepoint", "companion/planshape", "companion/helppage",  # issue 25: the venue map, the help pages
    "axes/accessattempt", "axes/accesslog", "axes/accessfailurelog",
)
# django-axes' sign-in logs (every sign-in's address and browser): superusers only. Organizers see
# the failed attempts (axes/accessattempt) and may unlock someone by deleting theirs. API tokens:
# superusers only too (issue 19: organizers minted and read anyone's); each user makes their own
# through the API.
SUPERUSERS_ONLY = (LOGIN, 403, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)
SUPERUSER_CHANGELISTS = ("axes/accesslog", "axes/accessfailurelog", "wic/apitoken")
# Every ModelAdmin with CSV/XLSX export (wic.admin_export.ExportMixin; kept equal by a guard test too).
ADMIN_EXPORTS = ("registration/registration", "forums/forumapplication", "awards/nomination", "expo/exhibitor", "volunteers/volunteer", "travel/roomstay")
ADMIN_APPS = ("auth", "auditlog", "wic", "people", "agenda", "forums", "registration", "volunteers", "awards", "expo", "protocol", "travel", "companion", "axes")  # issue 22: people; 23: protocol; 24: travel; 25: companion

# Refusals and suspected bugs, named so the table stays a table.
NOT_MEMBER, NOT_YOUR_TEAM = refused("not_a_member"), refused("not_your_team")
# A reviewer reviews submitted applications: an applicant's unsubmitted draft does not exist for them.
DRAFT_HIDDEN = 404
# An exhibitor application outside the public directory does not exist for anyone but its
# representatives and the organizers (no 403 naming its organization).
PENDING_HIDDEN = 404

# fmt: off
TABLE = [
    # -- the admin ------------------------------------------------------------------------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/admin/",                                                    *ORGANIZERS),
    *[row("GET", f"/admin/{app}/",                                           *ORGANIZERS) for app in ADMIN_APPS],
    *[row("GET", f"/admin/{model}/",                                         *ORGANIZERS) for model in ADMIN_CHANGELISTS if model not in SUPERUSER_CHANGELISTS],
    *[row("GET", f"/admin/{model}/",                                         *SUPERUSERS_ONLY) for model in SUPERUSER_CHANGELISTS],
    row("GET", "/admin/audit/registration/registration/{registration}/",     *ORGANIZERS),
    *[row("GET", f"/admin/{model}/export/csv/",                              *ORGANIZERS) for model in ADMIN_EXPORTS],
    row("GET", "/admin/forums/forumapplication/export/xlsx/",                *ORGANIZERS),
    # The edition dashboard: organizers (the organizer group, or a superuser) only.
    row("GET", "/admin/dashboard/",                                          LOGIN, REDIRECT, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    row("GET", "/admin/dashboard/{year}/",                                   *ORGANIZERS),
    row("GET", "/admin/forums/forumapplication/placement/",                  *ORGANIZERS),
    row("GET", "/admin/forums/forumapplication/{submitted}/decide/",         *ORGANIZERS),
    row("GET", "/admin/registration/credential/{credential}/badge/",         *ORGANIZERS),
    row("GET", "/admin/expo/exhibitor/import/",                              *ORGANIZERS),
    row("GET", "/admin/protocol/invitationitem/{invitation_item}/send/",     *ORGANIZERS),
    # Only a superuser makes accounts (and organizers).
    row("GET", "/admin/auth/user/add/",                                      LOGIN, 403,   LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    # API tokens: nobody adds one in the admin (each user makes their own); a superuser revokes any.
    row("GET", "/admin/wic/apitoken/add/",                                   *SUPERUSERS_ONLY),
    row("GET", "/admin/wic/apitoken/{attendee_token}/change/",               *SUPERUSERS_ONLY),
    row("GET", "/admin/wic/apitoken/{attendee_token}/delete/",               *SUPERUSERS_ONLY),

    # -- the account ----------------------------------------------------------------------------------------------------------
    row("GET", "/accounts/password_change/",                                 LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),

    # -- secret links: the address is the key, whoever follows it (signing in adds nothing) -----------------------------------
    row("GET", "/editions/{year}/registration/{registration_token}/",        200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/editions/{year}/registration/{registration_token}/badge.pdf",
                                                                             200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/editions/{year}/registration/not-the-token/",               404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    row("GET", "/my-agenda/{agenda_feed}.ics",                               200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/volunteer/feed/{volunteer_feed}.ics",                       200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/volunteer/feed/not-the-token.ics",                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    row("GET", "/volunteer/standby/{standby_offer}/",                        200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # issue 23: the invitee's card (answered once: the 303 goes back to the page, which says what was recorded) and the head's page.
    row("GET", "/rsvp/{rsvp_token}/",                                        200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/rsvp/{rsvp_token}/",                                       303,   303,   303,   303,   303,   303,   303,   303,   303,   303,
        data={"answer": "accept"}),
    row("GET", "/rsvp/not-the-token/",                                       404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
        page="protocol/rsvp_link.html"),
    row("GET", "/delegation/{delegation_link}/",                             200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/delegation/not-the-token/",                                 404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
        page="protocol/delegation_link.html"),
    row("GET", "/api/v1/rsvp/{rsvp_token}/",                                 200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/rsvp/{rsvp_token}/",                                200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
        data={"answer": "accept"}),
    row("GET", "/api/v1/rsvp/not-the-token/",                                404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
        code={404: "link_invalid"}),

    # -- agenda: stars and the personal feed ----------------------------------------------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("POST", "/editions/{year}/sessions/{session}/star/",                 401,   200,   200,   200,   200,   200,   200,   200,   200,   200,
        data={"starred": "1"}, headers=JSON_ACCEPT),
    row("POST", "/editions/{year}/my-agenda/merge/",                         401,   200,   200,   200,   200,   200,   200,   200,   200,   200,
        data=lambda world, role: {"sessions": [world.ids["session"]]}, as_json=True),
    row("POST", "/editions/{year}/my-agenda/feed/",                          LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
                                                                                    REDIRECT, REDIRECT),

    # -- forums: the applicant's pages and the reviewers' ---------------------------------------------------------------------
    row("GET", "/editions/{year}/forums/apply/",                             LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/editions/{year}/forums/apply/{draft}/",                     LOGIN, 404,   404,   404,   404,   404,   200,   404,   404,   404),
    row("GET", "/editions/{year}/forums/apply/{other_draft}/",               LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404),
    row("GET", "/editions/{year}/forums/mine/",                              LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/editions/{year}/forums/{draft}/withdraw/",                 LOGIN, 404,   404,   404,   404,   404,   DONE,  404,   404,   404),
    row("POST", "/editions/{year}/forums/{other_draft}/withdraw/",           LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404),
    row("GET", "/editions/{year}/forums/review/",                            LOGIN, 403,   200,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/editions/{year}/forums/review/{submitted}/",                LOGIN, 403,   200,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/editions/{year}/forums/review/{draft}/",                    LOGIN, 403,   DRAFT_HIDDEN, 403, 403,  403,   403,   403,   403,   403),
    row("POST", "/editions/{year}/forums/review/{submitted}/",               LOGIN, 403,   DONE,  403,   403,   403,   403,   403,   403,   403,
        data=review_form),
    # Reviewers are named per edition: the reviewer of 2088 reviews nothing of 2087.
    row("GET", "/editions/{other_year}/forums/review/",                      LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/editions/{other_year}/forums/review/{old_submitted}/",      LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   403),

    # -- registration: the gate and the organizers' live view -----------------------------------------------------------------
    row("GET", "/checkin/",                                                  LOGIN, 200,   403,   200,   403,   403,   403,   403,   403,   403),
    row("GET", "/checkin/live/",                                             LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),

    # -- expo: applying, the exhibitor's own entry, meetings ------------------------------------------------------------------
    row("GET", "/editions/{year}/expo/apply/",                               LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/editions/{year}/expo/meetings/",                            LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/editions/{year}/expo/exhibitors/{exhibitor}/edit/",         LOGIN, 200,   403,   403,   403,   403,   403,   403,   200,   403),
    row("GET", "/editions/{year}/expo/exhibitors/{other_exhibitor}/edit/",   LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/editions/{year}/expo/exhibitors/{pending_exhibitor}/edit/", LOGIN, 200,   *[PENDING_HIDDEN] * 8),
    row("POST", "/editions/{year}/expo/exhibitors/{exhibitor}/edit/",        LOGIN, DONE,  403,   403,   403,   403,   403,   403,   DONE,  403,
        data={"action": "edit", "products_zh": "新产品", "fields": ["ai"]}),
    row("POST", "/editions/{year}/expo/exhibitors/{other_exhibitor}/edit/",  LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403,
        data={"action": "edit", "products_zh": "新产品", "fields": ["ai"]}),
    # Asking for a meeting: anyone signed in, except a representative asking their own stand.
    row("POST", "/editions/{year}/expo/exhibitors/{exhibitor}/",             LOGIN, DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  400,   DONE,
        data=meeting_form, code={400: "own_exhibitor"}),
    row("POST", "/editions/{year}/expo/meetings/{meeting}/accept/",          LOGIN, DONE,  403,   403,   403,   403,   403,   403,   DONE,  403),
    row("POST", "/editions/{year}/expo/meetings/{other_meeting}/accept/",    LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/editions/{year}/expo/meetings/{meeting}/decline/",         LOGIN, DONE,  403,   403,   403,   403,   403,   403,   DONE,  403),
    # Only the guest who asked cancels.
    row("POST", "/editions/{year}/expo/meetings/{meeting}/cancel/",          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   DONE),

    # -- volunteers: the volunteer's own page and the lead's ------------------------------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/volunteer/",                                                LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/volunteer/shifts/{assignment_soon}/check-in/",             LOGIN, 404,   404,   404,   404,   DONE,  404,   404,   404,   404),
    row("POST", "/volunteer/shifts/{other_assignment_soon}/check-in/",       LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404),
    row("POST", "/volunteer/shifts/{assignment_checked_in}/check-out/",      LOGIN, 404,   404,   404,   404,   DONE,  404,   404,   404,   404),
    row("POST", "/volunteer/shifts/{assignment_later}/request/",             LOGIN, 404,   404,   404,   404,   DONE,  404,   404,   404,   404,
        data={"kind": "drop", "reason": "生病"}),
    row("GET", "/volunteer/lead/",                                           LOGIN, 403,   403,   403,   200,   403,   403,   403,   403,   403),
    row("GET", "/volunteer/lead/hours.csv",                                  LOGIN, 403,   403,   403,   200,   403,   403,   403,   403,   403),
    row("POST", "/volunteer/lead/check/",                                    LOGIN, 403,   403,   403,   DONE,  403,   403,   403,   403,   403,
        data=with_ids(code="volunteer_code"), label="own team's volunteer"),
    row("POST", "/volunteer/lead/check/",                                    LOGIN, 403,   403,   403,   NOT_YOUR_TEAM, 403, 403,  403,   403,   403,
        data=with_ids(code="other_volunteer_code"), label="another team's volunteer"),
    row("POST", "/volunteer/lead/attendance/",                               LOGIN, 403,   403,   403,   DONE,  403,   403,   403,   403,   403,
        data=with_ids(module="module", shown="volunteer", present="volunteer")),
    row("POST", "/volunteer/lead/requests/{change_request}/",                LOGIN, 403,   403,   403,   DONE,  403,   403,   403,   403,   403,
        data={"decision": "approve"}),
    row("POST", "/volunteer/lead/requests/{other_change_request}/",          LOGIN, 403,   403,   403,   NOT_YOUR_TEAM, 403, 403,  403,   403,   403,
        data={"decision": "approve"}),

    # -- awards: members' page, recommendations, enterprises' applications ----------------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/awards/",                                                   LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/awards/{programme}/recommend/",                            LOGIN, *[NOT_MEMBER] * 6,                            DONE,  NOT_MEMBER, NOT_MEMBER,
        data={"name_zh": "新推荐企业"}),
    row("POST", "/awards/{programme}/nominate/",                             LOGIN, DONE,  403,   403,   403,   403,   403,   DONE,  403,   403,
        data=individual_form, page="awards/home.html"),  # the refusal (not_a_member) is not shown: the form is members' only
    row("GET", "/awards/{programme}/apply/",                                 LOGIN, 403,   403,   403,   403,   403,   200,   200,   403,   403),
    row("POST", "/awards/recommendations/{recommendation}/withdraw/",        LOGIN, 404,   404,   404,   404,   404,   404,   DONE,  404,   404),
    row("POST", "/awards/recommendations/{other_recommendation}/withdraw/",  LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404),

    # -- protocol (issue 23): the organizers' seating screens and delegation pages --------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/protocol/plans/",                                           LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/protocol/plans/{seating_plan}/",                            LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/protocol/plans/{seating_plan}/place-cards.pdf",             LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/protocol/plans/{seating_plan}/table-plan.pdf",              LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/protocol/plans/{seating_plan}/auto-seat/",                 LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/protocol/plans/{seating_plan}/move/",                      LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(card="seating_card", block="seating_block", number="1", action="move"), label="move"),
    row("POST", "/protocol/plans/{seating_plan}/move/",                      LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(card="seating_card", block="seating_block", action="clear"), label="clear"),
    row("GET", "/protocol/delegations/{delegation}/",                        LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/protocol/delegations/{delegation}/",                       LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403,
        data={"action": "liaison_assign"}, label="choose the liaison"),
    row("POST", "/protocol/delegations/{delegation}/",                       LOGIN, DONE,  403,   403,   403,   403,   403,   403,   403,   403,
        data={"action": "liaison_release"}, label="release the liaison"),
    row("POST", "/protocol/delegations/{delegation}/",                       LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403,
        data={"action": "head_link"}, label="a new link for the head (shown once, on the page)"),

    # -- API: the summit's reference data (read by anyone, written by no one) -------------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/editions/",                                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/api/v1/editions/{year}/",                                   200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/editions/",                                         401,   405,   405,   405,   405,   405,   405,   405,   405,   405, data={}),
    row("GET", "/api/v1/sessions/",                                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/api/v1/sessions/{session}/",                                200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/sessions/",                                         401,   400,   403,   403,   403,   403,   403,   403,   403,   403,
        data={}, code={400: "invalid"}),  # issue 28: organizers create; tests/wic/matrix_api/agenda.py sends real bodies
    row("GET", "/api/v1/halls/",                                             200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/api/v1/halls/{hall}/",                                      200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/halls/",                                            401,   400,   403,   403,   403,   403,   403,   403,   403,   403,
        data={}, code={400: "invalid"}),  # issue 28: organizers create; tests/wic/matrix_api/agenda.py sends real bodies
    row("GET", "/api/v1/organizations/",                                     200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/api/v1/organizations/{enterprise_x}/",                      200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/organizations/",                                    401,   405,   405,   405,   405,   405,   405,   405,   405,   405, data={}),
    row("GET", "/api/v1/people/",                                            200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/api/v1/people/{person}/",                                   200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/people/",                                           401,   400,   403,   403,   403,   403,   403,   403,   403,   403,
        data={}, code={400: "invalid"}),  # issue 28: organizers create; tests/wic/matrix_api/agenda.py sends real bodies
    row("GET", "/api/v1/award-programmes/",                                  200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("GET", "/api/v1/award-programmes/{programme}/",                      200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/award-programmes/",                                 405,   405,   405,   405,   405,   405,   405,   405,   405,   405, data={}),

    # -- API: one's own tokens (made with a username and password: tests/wic/test_api_tokens.py) ------------------------------
    row("GET", "/api/v1/auth/token/",                                        401,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("DELETE", "/api/v1/auth/token/",                                     401,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Someone else's token is no one's to revoke here, an organizer's neither: 404, as if it did not exist.
    row("DELETE", "/api/v1/auth/token/{attendee_token}/",                    401,   404,   404,   404,   404,   404,   404,   404,   404,   200),

    # -- API: guest registrations (anyone registers; organizers read) and the gate's scan -------------------------------------
    row("GET", "/api/v1/registrations/?edition={year}",                      401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="registration"),
    row("GET", "/api/v1/registrations/{registration}/",                      401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/registrations/",                                    202,   202,   202,   202,   202,   202,   202,   202,   202,   202,
        data=registration_body),
    row("DELETE", "/api/v1/registrations/{registration}/",                   401,   405,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/checkins/",                                         401,   200,   403,   200,   403,   403,   403,   403,   403,   403,
        data=scan_body),
    row("GET", "/api/v1/checkins/",                                          401,   405,   403,   405,   403,   403,   403,   403,   403,   403),
    # A gate device picks its list and downloads what it needs to judge scans offline (registration.offline_api).
    row("GET", "/api/v1/checkin-lists/?edition={year}",                      401,   200,   403,   200,   403,   403,   403,   403,   403,   403),
    row("GET", "/api/v1/checkin-lists/{checkin_list}/",                      401,   200,   403,   200,   403,   403,   403,   403,   403,   403),
    row("GET", "/api/v1/checkin-lists/{checkin_list}/offline/",              401,   200,   403,   200,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/checkin-lists/",                                    401,   405,   403,   405,   403,   403,   403,   403,   403,   403,
        data={}),

    # -- API: forum applications (the applicant's; readable by the edition's reviewers and organizers) -------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/forum-applications/",                                401,   ALL,   NONE,  NONE,  NONE,  NONE,  OWN,   NONE,  NONE,  NONE,
        kind="forum-application"),
    row("GET", "/api/v1/forum-applications/{draft}/",                        401,   200,   DRAFT_HIDDEN, 404, 404,  404,   200,   404,   404,   404),
    row("GET", "/api/v1/forum-applications/{submitted}/",                    401,   200,   200,   404,   404,   404,   200,   404,   404,   404),
    row("GET", "/api/v1/forum-applications/{old_submitted}/",                401,   200,   404,   404,   404,   404,   404,   404,   404,   404),
    row("POST", "/api/v1/forum-applications/",                               401,   201,   201,   201,   201,   201,   201,   201,   201,   201,
        data=lambda world, role: {"call": world.ids["call"], "title_zh": f"新申报{role}"}),
    row("PATCH", "/api/v1/forum-applications/{draft}/",                      401,   403,   DRAFT_HIDDEN,   404,   404,   404,   200,   404,   404,   404,
        data={"title_zh": "改过的标题"}, code={403: "not_your_application"}),
    row("PUT", "/api/v1/forum-applications/{draft}/",                        401,   403,   DRAFT_HIDDEN,   404,   404,   404,   200,   404,   404,   404,
        data={"title_zh": "整体替换"}, code={403: "not_your_application"}),
    row("PATCH", "/api/v1/forum-applications/{other_draft}/",                401,   403,   DRAFT_HIDDEN,   404,   404,   404,   404,   404,   404,   404,
        data={"title_zh": "改别人的"}, code={403: "not_your_application"}),
    row("POST", "/api/v1/forum-applications/{draft}/submit/",                401,   403,   DRAFT_HIDDEN,   404,   404,   404,   200,   404,   404,   404,
        code={403: "not_your_application"}),
    row("POST", "/api/v1/forum-applications/{draft}/withdraw/",              401,   403,   DRAFT_HIDDEN,   404,   404,   404,   200,   404,   404,   404,
        code={403: "not_your_application"}),
    # Reviewing what one may not read is 404, as for an id that is free (issue 19: a 403 told that it existed).
    row("POST", "/api/v1/forum-applications/{submitted}/review/",            401,   403,   200,   404,   404,   404,   403,   404,   404,   404,
        data=review_body, code={403: "not_a_reviewer"}),
    row("POST", "/api/v1/forum-applications/{old_submitted}/review/",        401,   403,   404,   404,   404,   404,   404,   404,   404,   404,
        data=review_body, code={403: "not_a_reviewer"}),
    row("POST", "/api/v1/forum-applications/{draft}/review/",                401,   403,   DRAFT_HIDDEN,   404,   404,   404,   403,   404,   404,   404,
        data=review_body, code={403: "not_a_reviewer"}),
    row("DELETE", "/api/v1/forum-applications/{draft}/",                     401,   405,   405,   405,   405,   405,   405,   405,   405,   405),

    # -- API: exhibitors (anyone reads; representatives and organizers edit) --------------------------------------------------
    row("GET", "/api/v1/exhibitors/?edition={year}",                         ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,
        kind="exhibitor"),
    row("GET", "/api/v1/exhibitors/{exhibitor}/",                            200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    row("POST", "/api/v1/exhibitors/",                                       401,   201,   201,   201,   201,   201,   201,   201,   201,   201,
        data=exhibitor_application_body),
    row("PATCH", "/api/v1/exhibitors/{exhibitor}/",                          401,   200,   403,   403,   403,   403,   403,   403,   200,   403,
        data={"products_zh": "新产品"}, code={403: "not_your_exhibitor"}),
    row("PATCH", "/api/v1/exhibitors/{other_exhibitor}/",                    401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data={"products_zh": "新产品"}, code={403: "not_your_exhibitor"}),
    row("GET", "/api/v1/exhibitors/{pending_exhibitor}/",                    404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    row("PATCH", "/api/v1/exhibitors/{pending_exhibitor}/",                  401,   200,   *[PENDING_HIDDEN] * 8,
        data={"products_zh": "新产品"}),
    row("PUT", "/api/v1/exhibitors/{exhibitor}/",                            401,   405,   405,   405,   405,   405,   405,   405,   405,   405,
        data={"products_zh": "新产品"}),

    # -- API: recommendations (a member's representatives; organizers see and withdraw all) -----------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/recommendations/?programme={programme}",             401,   ALL,   NONE,  NONE,  NONE,  NONE,  NONE,  OWN,   NONE,  NONE,
        kind="recommendation"),
    row("GET", "/api/v1/recommendations/{recommendation}/",                  401,   200,   404,   404,   404,   404,   404,   200,   404,   404),
    row("GET", "/api/v1/recommendations/{other_recommendation}/",            401,   200,   404,   404,   404,   404,   404,   404,   404,   404),
    row("POST", "/api/v1/recommendations/",                                  401,   403,   403,   403,   403,   403,   403,   201,   403,   403,
        data=programme_body(enterprise_name_zh="新推荐企业"), code={403: "not_a_member"}),
    row("DELETE", "/api/v1/recommendations/{recommendation}/",               401,   200,   404,   404,   404,   404,   404,   200,   404,   404),
    row("DELETE", "/api/v1/recommendations/{other_recommendation}/",         401,   200,   404,   404,   404,   404,   404,   404,   404,   404),
    row("POST", "/api/v1/recommendations/{recommendation}/withdraw/",        401,   200,   404,   404,   404,   404,   404,   200,   404,   404),
    row("PATCH", "/api/v1/recommendations/{recommendation}/",                401,   405,   405,   405,   405,   405,   405,   405,   405,   405,
        data={}),

    # -- API: nominations (the enterprise's representatives, the nominating member; organizers see all) ------------------------
    row("GET", "/api/v1/nominations/?programme={programme}",                 401,   ALL,   OWN,   NONE,  NONE,  NONE,  OWN,   OWN,   NONE,  NONE,
        kind="nomination"),
    row("GET", "/api/v1/nominations/{nomination}/",                          401,   200,   404,   404,   404,   404,   200,   404,   404,   404),
    row("GET", "/api/v1/nominations/{other_nomination}/",                    401,   200,   404,   404,   404,   404,   404,   404,   404,   404),
    row("GET", "/api/v1/nominations/{individual_nomination}/",               401,   200,   200,   404,   404,   404,   404,   200,   404,   404),
    row("POST", "/api/v1/nominations/{individual_nomination}/score/",        401,   403,   201,   404,   404,   404,   404,   403,   404,   404,
        data={"score": 7, "comment": "评审意见"}, code={403: "not_a_reviewer"}),
    row("POST", "/api/v1/nominations/{nomination}/score/",                   401,   403,   404,   404,   404,   404,   403,   404,   404,   404,
        data={"score": 7}, label="a draft", code={403: "not_a_reviewer"}),
    row("POST", "/api/v1/nominations/",                                      401,   403,   403,   403,   403,   403,   201,   403,   403,   403,
        data=programme_body(organization=lambda world: world.ids["enterprise_x"]), label="enterprise X's application",
        code={403: "not_a_representative"}),
    row("POST", "/api/v1/nominations/",                                      401,   201,   403,   403,   403,   403,   403,   403,   403,   403,
        data=programme_body(direction="individual", person_name="李四", citation="贡献"), label="an individual, by no member",
        code={403: "not_a_member"}),
    row("POST", "/api/v1/nominations/",                                      401,   403,   403,   403,   403,   403,   403,   201,   403,   403,
        data=programme_body(direction="individual", person_name="李四", citation="贡献", member=lambda world: world.ids["member"]),
        label="an individual, by member M1", code={403: "not_a_member"}),
    row("PATCH", "/api/v1/nominations/{nomination}/",                        401,   403,   404,   404,   404,   404,   200,   404,   404,   404,
        data={"contact_name": "赵六"}, code={403: "not_a_representative"}),
    row("POST", "/api/v1/nominations/{nomination}/submit/",                  401,   403,   404,   404,   404,   404,   200,   404,   404,   404,
        code={403: "not_a_representative"}),
    row("POST", "/api/v1/nominations/{nomination}/withdraw/",                401,   403,   404,   404,   404,   404,   200,   404,   404,   404,
        code={403: "not_a_representative"}),
    row("PUT", "/api/v1/nominations/{nomination}/",                          401,   405,   405,   405,   405,   405,   405,   405,   405,   405,
        data={}),

    # -- API: protocol (issue 23), organizers only: delegations, invitation cards, seating plans ------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/delegations/?edition={year}",                        401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="delegation"),
    row("GET", "/api/v1/delegations/{delegation}/",                          401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/delegations/",                                      401,   201,   403,   403,   403,   403,   403,   403,   403,   403,
        data={"edition": YEAR, "name_zh": "新代表团", "kind": "company"}),
    row("PUT", "/api/v1/delegations/{delegation}/",                          401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data={"name_zh": "改名的代表团", "kind": "government", "precedence": 5}),
    row("PATCH", "/api/v1/delegations/{delegation}/",                        401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data={"precedence": 5}),
    row("DELETE", "/api/v1/delegations/{delegation}/",                       401,   405,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/delegations/{delegation}/members/",                 401,   201,   403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(registration="protocol_guest")),
    row("DELETE", "/api/v1/delegations/{delegation}/members/?member={delegation_member}",
                                                                             401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/delegations/{delegation}/liaison/",                 401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("DELETE", "/api/v1/delegations/{delegation}/liaison/",               401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/delegations/{delegation}/link/",                    401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/api/v1/delegations/{delegation}/itinerary/",                401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/api/v1/invitation-items/?edition={year}",                   401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/api/v1/invitation-items/{invitation_item}/",                401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    # The session has its item already: returned unchanged (200; a new item is 201).
    row("POST", "/api/v1/invitation-items/",                                 401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(session="invitation_session")),
    row("GET", "/api/v1/invitation-cards/?item={invitation_item}",           401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="invitation-card"),
    row("GET", "/api/v1/invitation-cards/{invitation_card}/",                401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/invitation-cards/",                                 401,   201,   403,   403,   403,   403,   403,   403,   403,   403,
        data=lambda world, role: {"item": world.ids["invitation_item"], "registrations": [world.ids["substitute_guest"]]}),
    row("POST", "/api/v1/invitation-cards/{invitation_card}/cancel/",        401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/invitation-cards/{invitation_card}/resend/",        401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data={}),
    row("POST", "/api/v1/invitation-cards/{substitute_card}/approve-substitute/",
                                                                             401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data={}),
    row("POST", "/api/v1/invitation-cards/{substitute_card}/refuse-substitute/",
                                                                             401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("GET", "/api/v1/seating-plans/",                                     401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="seating-plan"),
    row("GET", "/api/v1/seating-plans/{seating_plan}/",                      401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/seating-plans/",                                    401,   201,   403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(item="unplanned_item", layout="tables", blocks=[{"label": "1", "seats": 8, "is_head": True}])),  # unplanned_item: tests/wic/matrix_api/protocol_more.py
    row("GET", "/api/v1/seating-plans/{seating_plan}/seats/",                401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/seating-plans/{seating_plan}/auto-seat/",           401,   200,   403,   403,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/seating-plans/{seating_plan}/move/",                401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(card="seating_card", block="seating_block", number=1)),
    row("POST", "/api/v1/seating-plans/{seating_plan}/clear/",               401,   204,   403,   403,   403,   403,   403,   403,   403,   403,
        data=with_ids(card="seating_card")),
]

# The same requests with each role's own API token instead of a session ("anonymous": none). Gate
# staff get scan tokens only (wic.tokens), which open the gate's scan and nothing else.
TOKEN_TABLE = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/editions/",                                          200,   200,   200,   SCAN_ONLY, 200, 200,  200,   200,   200,   200),
    row("GET", "/api/v1/auth/token/",                                        401,   200,   200,   SCAN_ONLY, 200, 200,  200,   200,   200,   200),
    row("DELETE", "/api/v1/auth/token/",                                     401,   200,   200,   SCAN_ONLY, 200, 200,  200,   200,   200,   200),
    row("POST", "/api/v1/checkins/",                                         401,   200,   403,   200,   403,   403,   403,   403,   403,   403,
        data=scan_body),
    row("GET", "/api/v1/registrations/?edition={year}",                      401,   ALL,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        kind="registration"),
    # A gate phone downloads its list's offline data with the scan token it scans with.
    row("GET", "/api/v1/checkin-lists/{checkin_list}/offline/",              401,   200,   403,   200,   403,   403,   403,   403,   403,   403),
    row("POST", "/api/v1/recommendations/",                                  401,   403,   403,   SCAN_ONLY, 403, 403,  403,   201,   403,   403,
        data=programme_body(enterprise_name_zh="新推荐企业"), code={403: "not_a_member"}),
    row("PATCH", "/api/v1/exhibitors/{exhibitor}/",                          401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   200,   403,
        data={"products_zh": "新产品"}, code={403: "not_your_exhibitor"}),
    row("GET", "/api/v1/delegations/{delegation}/",                          401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403),
    # The invitee's link is the key: no token is read there, a scan token neither (it opens nothing the link does not).
    row("GET", "/api/v1/rsvp/{rsvp_token}/",                                 200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
]
# fmt: on

# The API's rows of issue 28, one module per area (tests/wic/matrix_api/).
from tests.wic import matrix_api  # noqa: E402  (after `row` and the cells, which its modules import)

for _area in matrix_api.AREAS:
    TABLE += _area.ROWS
    TOKEN_TABLE += _area.TOKEN_ROWS


# -- the world, once per module; each cell runs in its own savepoint -----------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back when the module is done; pytest-django's `db`
    wraps each test in a savepoint inside it, so what one cell changes the next does not see."""
    from registration.tasks import render_badge
    from wic.models import Edition

    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            render_badge(built.ids["credential"])  # the task runs on commit, which never comes here
            yield built
            transaction.set_rollback(True)
        assert not Edition.objects.filter(year=YEAR).exists(), "the matrix's world outlived its module"


@pytest.fixture(scope="module", autouse=True)
def quick_sign_in():
    """The matrix signs in some 1,900 times: sessions live in the cache rather than the database,
    and `last_login` is not kept up to date, which the matrix does not test. The cache is emptied
    first, so no throttle filled by an earlier module (anonymous registrations) answers 429 here."""
    from django.contrib.auth import user_logged_in
    from django.contrib.auth.models import update_last_login
    from django.test import override_settings

    cache.clear()
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache"):
        yield
    user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def _send(client, row: Row, world, role: str):
    if role != "anonymous":
        client.force_login(world.users[role])
    path = row.path.format(**world.ids)
    data = row.data(world, role) if callable(row.data) else row.data
    if path.startswith("/api/") or row.as_json:
        body = json.dumps(data) if data is not None else ""
        return client.generic(row.method, path, body, content_type="application/json", headers=row.headers)
    if row.method == "GET":
        return client.get(path, headers=row.headers)
    return client.post(path, data or {}, headers=row.headers)


def _is_login(location: str) -> bool:
    return urlparse(location).path in ("/accounts/login/", "/admin/login/")


def _messages(response, level: str) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == level]


DEFAULT_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}


def _assert_cell(response, cell, row: Row, world, role: str):
    status = response.status_code
    location = response.get("Location", "")
    if isinstance(cell, Login):
        assert status == 302 and _is_login(location), f"expected a redirect to sign in, got {status} {location}"
    elif isinstance(cell, Redirect):
        assert status == 302 and not _is_login(location), f"expected a redirect (not to sign in), got {status} {location}"
    elif isinstance(cell, Done):
        assert status == 302 and not _is_login(location), f"expected the action done (302), got {status} {location}"
        assert _messages(response, "error") == [] and _messages(response, "success"), _messages(response, "error")
    elif isinstance(cell, Refused):
        assert status == 302 and not _is_login(location), f"expected a refusal (302 with a message), got {status} {location}"
        # the sentence on the page, the code in the message's extra_tags (rendered as data-code)
        refusals = [(m.extra_tags, str(m)) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        assert any(code == cell.code and f"[{code}]" not in text for code, text in refusals), refusals
    elif isinstance(cell, ScanOnly):
        assert (status, response.json()["code"]) == (403, "token_scope"), f"expected 403 token_scope, got {status}: {response.content[:300]!r}"
    elif isinstance(cell, Listing):
        assert status == 200, f"expected 200, got {status}: {response.content[:300]!r}"
        body = response.json()
        items = body["results"] if isinstance(body, dict) else body
        owned = world.owned[row.kind]
        expected = {"all": owned["all"], "own": owned.get(role, set()), "none": set()}[cell.which]
        assert {item["id"] for item in items} & owned["all"] == expected
    else:
        assert status == cell, f"expected {cell}, got {status}: {response.content[:300]!r}"
        if status >= 400 and response.get("Content-Type", "").startswith("application/json"):
            assert response.json()["code"] == row.code.get(status, DEFAULT_CODES.get(status)), response.json()
        elif status in row.code:  # a form page answering with the refusal, its code in data-code
            assert f'data-code="{row.code[status]}"' in response.content.decode()
        elif status in (403, 404):
            assert (row.page or f"{status}.html") in [t.name for t in response.templates]


def _cases(table=TABLE):
    for row_ in table:
        for role, cell in zip(ROLES, row_.cells):
            name = f"{row_.method} {row_.path}{f' [{row_.label}]' if row_.label else ''} as {role}"
            if isinstance(cell, Bug):
                yield pytest.param(row_, role, cell.expected, id=name, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=cell.reason))
            else:
                yield pytest.param(row_, role, cell, id=name)


@pytest.mark.parametrize("row,role,cell", list(_cases()))
def test_permission_matrix(world, db, client, row, role, cell):
    response = _send(client, row, world, role)
    _assert_cell(response, cell, row, world, role)


@pytest.mark.parametrize("row,role,cell", list(_cases(TOKEN_TABLE)))
def test_permission_matrix_with_api_tokens(world, db, client, row, role, cell):
    headers = {**row.headers, **({"Authorization": f"Token {world.tokens[role]}"} if role != "anonymous" else {})}
    data = row.data(world, role) if callable(row.data) else row.data
    response = client.generic(row.method, row.path.format(**world.ids), json.dumps(data) if data is not None else "", content_type="application/json", headers=headers)
    _assert_cell(response, cell, row, world, role)


def test_matrix_names_every_admin_changelist():
    registered = {f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry}
    assert registered == set(ADMIN_CHANGELISTS)
    assert {label.split("/")[0] for label in registered} == set(ADMIN_APPS)


def test_matrix_names_every_admin_export():
    from wic.admin_export import ExportMixin

    exporting = {f"{model._meta.app_label}/{model._meta.model_name}" for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ExportMixin)}
    assert exporting == set(ADMIN_EXPORTS)


def test_matrix_names_every_api_action():
    """Every action of every ViewSet in the router (list, create, retrieve, update, partial_update,
    destroy, and the custom ones, by their address: `auto-seat`, not `auto_seat`) has a row, so a
    new endpoint fails here until it is tabled."""
    from wic.urls import router

    standard = ("list", "create", "retrieve", "update", "partial_update", "destroy")
    routed = {
        (prefix, name)
        for prefix, viewset, _basename in router.registry
        for name in [*(n for n in standard if hasattr(viewset, n)), *(a.url_path for a in viewset.get_extra_actions())]
    }
    collection_actions = {(prefix, a.url_path) for prefix, viewset, _basename in router.registry for a in viewset.get_extra_actions() if not a.detail}
    tabled = set()
    for r in TABLE:
        parts = urlparse(r.path).path.strip("/").split("/")
        if parts[:2] != ["api", "v1"] or parts[2] not in {prefix for prefix, _v, _b in router.registry}:
            continue
        if len(parts) == 3:
            tabled.add((parts[2], {"GET": "list", "POST": "create"}[r.method]))
        elif len(parts) == 4 and (parts[2], parts[3]) in collection_actions:  # /registrations/decide/
            tabled.add((parts[2], parts[3]))
        elif len(parts) == 4:
            tabled.add((parts[2], {"GET": "retrieve", "PUT": "update", "PATCH": "partial_update", "DELETE": "destroy"}[r.method]))
        else:
            tabled.add((parts[2], parts[4]))
    assert routed - tabled == set()
