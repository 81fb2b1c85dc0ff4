"""The permission matrix's rows for the agenda API, and the organizers' actions of the people,
forums and awards APIs (issue 28); see tests/wic/matrix_api/__init__.py.

The world's agenda (tests/wic/permission_world.py): a published session (`session`) in a hall
(`hall`) on the edition's first day 09:00-12:00, a speaker (`person`, keyed "matrix-speaker").
This area adds a venue (`venue`), a board (`board`), an outcome of the edition (`outcome`) and an
unpublished session without a hall or a time (`unplaced_session`). The forums' `submitted`
application and the awards' `individual_nomination` (submitted) and `programme` (open for 30 more
days) are the world's.

Who: reads of sessions, halls, venues and people stay anyone's; every write, the boards and
outcomes (reads too), the decisions on applications and nominations, a programme's expert
reviewers and its results are the organizers' (401 anonymous, 403 `permission_denied` to anyone
else, whatever the object: the role is checked first). Nothing is deleted through these APIs (405
to organizers)."""
from agenda import services as agenda_services
from tests.wic.permission_world import YEAR
from tests.wic.test_permission_matrix import SCAN_ONLY, row, with_ids


def _only_organizers(status):
    #       anon   org     rev    gate   lead   vol    appl   memb   exh    att
    return (401,   status, 403,   403,   403,   403,   403,   403,   403,   403)


EVERYONE = (200,) * 10
ORGANIZERS_200 = _only_organizers(200)
ORGANIZERS_201 = _only_organizers(201)


def _placement(world, role):
    return {"hall": world.ids["hall"], "date": f"{YEAR}-11-10", "start_time": "14:00", "end_time": "15:30"}


# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    # -- agenda: venues, halls, boards, sessions, outcomes ----------------------------------------------------------------------
    row("GET", "/api/v1/venues/",                                            *EVERYONE),
    row("GET", "/api/v1/venues/{venue}/",                                    *EVERYONE),
    row("POST", "/api/v1/venues/",                                           *ORGANIZERS_201, data={"name_zh": "矩阵新场馆", "kind": "hotel"}),
    row("PATCH", "/api/v1/venues/{venue}/",                                  *ORGANIZERS_200, data={"name_en": "Matrix Venue"}),
    row("DELETE", "/api/v1/venues/{venue}/",                                 *_only_organizers(405)),
    row("POST", "/api/v1/halls/",                                            *ORGANIZERS_201, label="issue 28",
        data=with_ids(venue="venue", name_zh="矩阵新厅")),
    row("PATCH", "/api/v1/halls/{hall}/",                                    *ORGANIZERS_200, data={"room": "301"}),
    row("GET", "/api/v1/boards/",                                            *ORGANIZERS_200),
    row("GET", "/api/v1/boards/{board}/",                                    *ORGANIZERS_200),
    row("POST", "/api/v1/boards/",                                           *ORGANIZERS_201, data={"edition": YEAR, "key": "matrix-new-board", "name_zh": "矩阵新板块"}),
    row("PATCH", "/api/v1/boards/{board}/",                                  *ORGANIZERS_200, data={"tagline_zh": "矩阵标语"}),
    row("GET", "/api/v1/outcomes/",                                          *ORGANIZERS_200),
    row("GET", "/api/v1/outcomes/{outcome}/",                                *ORGANIZERS_200),
    row("POST", "/api/v1/outcomes/",                                         *ORGANIZERS_201, data={"edition": YEAR, "title_zh": "矩阵新成果"}),
    row("PATCH", "/api/v1/outcomes/{outcome}/",                              *ORGANIZERS_200, data={"kind": "report"}),
    row("POST", "/api/v1/sessions/",                                         *ORGANIZERS_201, label="issue 28",
        data={"edition": YEAR, "key": "matrix-new-session", "title_zh": "矩阵新会议", "kind": "meeting"}),
    # The same key again: refused to the organizers (the role is checked first for everyone else).
    row("POST", "/api/v1/sessions/",                                         *_only_organizers(409), label="a taken key",
        data={"edition": YEAR, "key": "matrix-unplaced", "title_zh": "矩阵会议", "kind": "meeting"}, code={409: "session_exists"}),
    row("PATCH", "/api/v1/sessions/{session}/",                              *ORGANIZERS_200, data={"title_en": "Matrix session"}),
    row("PATCH", "/api/v1/sessions/{unplaced_session}/",                     *ORGANIZERS_200, data={"summary_zh": "摘要"}),
    row("PUT", "/api/v1/sessions/{session}/",                                *_only_organizers(405), data={}),
    row("DELETE", "/api/v1/sessions/{session}/",                             *_only_organizers(405)),
    row("POST", "/api/v1/sessions/{unplaced_session}/place/",                *ORGANIZERS_200, data=_placement),
    # The world's session holds the hall 09:00-12:00 that day.
    row("POST", "/api/v1/sessions/{unplaced_session}/place/",                *_only_organizers(409), label="a taken slot",
        data=lambda world, role: {**_placement(world, role), "start_time": "11:00"}, code={409: "slot_conflict"}),
    row("POST", "/api/v1/sessions/{unplaced_session}/publish/",              *ORGANIZERS_200),
    row("POST", "/api/v1/sessions/{session}/unpublish/",                     *ORGANIZERS_200),
    # An unpublished session is not among the public reads, organizers' included.
    row("GET", "/api/v1/sessions/{unplaced_session}/",                       *(404,) * 10),

    # -- people: organizers add and change ------------------------------------------------------------------------------------
    row("POST", "/api/v1/people/",                                           *ORGANIZERS_201, label="issue 28",
        data={"key": "matrix-new-person", "name_zh": "矩阵新人"}),
    row("PATCH", "/api/v1/people/{person}/",                                 *ORGANIZERS_200, data={"bio_zh": "简介"}),

    # -- forums: organizers decide ------------------------------------------------------------------------------------------
    row("POST", "/api/v1/forum-applications/{submitted}/decide/",            *ORGANIZERS_200, data={"to_state": "under_review"}),
    # A submitted application is decided once under review: the service's refusal, to the organizers.
    row("POST", "/api/v1/forum-applications/{submitted}/decide/",            *_only_organizers(409), label="not yet under review",
        data={"to_state": "accepted"}, code={409: "invalid_transition"}),
    row("POST", "/api/v1/forum-application-decisions/",                      *ORGANIZERS_200,
        data=lambda world, role: {"applications": [world.ids["submitted"]], "to_state": "under_review"}),

    # -- awards: organizers decide, assign experts, release results -----------------------------------------------------------
    row("POST", "/api/v1/nominations/{individual_nomination}/decide/",       *ORGANIZERS_200, data={"to_state": "eligible"}),
    row("POST", "/api/v1/nominations/{nomination}/decide/",                  *_only_organizers(409), label="a draft",
        data={"to_state": "eligible"}, code={409: "invalid_transition"}),
    row("POST", "/api/v1/nomination-decisions/",                             *ORGANIZERS_200,
        data=lambda world, role: {"nominations": [world.ids["individual_nomination"]], "to_state": "eligible"}),
    row("GET", "/api/v1/award-programmes/{programme}/reviewers/",            *ORGANIZERS_200),
    row("POST", "/api/v1/award-programmes/{programme}/reviewers/",           *ORGANIZERS_200, data={"username": "pm-applicant"}),
    # The programme closes in 30 days: no results before.
    row("POST", "/api/v1/award-programmes/{programme}/release-results/",     *_only_organizers(400), code={400: "not_closed_yet"}),
    row("POST", "/api/v1/award-programmes/{programme}/withhold-results/",    *ORGANIZERS_200),
]
# Each role's own API token (the gate's is a scan token: SCAN_ONLY).
TOKEN_ROWS: list = [
    row("PATCH", "/api/v1/sessions/{session}/",                              401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data={"title_en": "Matrix session"}),
    row("POST", "/api/v1/forum-applications/{submitted}/decide/",            401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data={"to_state": "under_review"}),
    row("POST", "/api/v1/nomination-decisions/",                             401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data=lambda world, role: {"nominations": [world.ids["individual_nomination"]], "to_state": "eligible"}),
]
# fmt: on


def extend_world(world, edition) -> None:
    """Adds a venue, a board, an outcome and an unplaced, unpublished session (see the module's docstring)."""
    venue = agenda_services.venue_upsert(name_zh="矩阵场馆", kind="convention_center")
    board = agenda_services.board_upsert(edition=edition, key="matrix-board", name_zh="矩阵板块")
    outcome = agenda_services.outcome_upsert(edition=edition, title_zh="矩阵成果", kind="initiative")
    unplaced = agenda_services.session_upsert(
        edition=edition, key="matrix-unplaced", title_zh="矩阵会议", kind="meeting", date=edition.start_date, period="afternoon", is_published=False,
    )
    world.ids.update(venue=venue.pk, board=board.pk, outcome=outcome.pk, unplaced_session=unplaced.pk)
