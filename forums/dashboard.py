"""The sub-forum applications panel of the organizers' edition dashboard (wic.dashboard lays the
panels out; this app contributes its own through forums/contrib.py)."""
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from agenda.models import Board
from wic.dashboard import Tally, tallies
from wic.i18n import pick
from wic.models import Edition

from .enums import ApplicationState
from .models import ForumApplication


@dataclass(frozen=True)
class BoardRow:
    key: str  # the board's key, "" for applications that chose none
    label: str
    submitted: int  # every application past its draft, withdrawn ones included
    accepted: int


@dataclass(frozen=True)
class ForumsPanel:
    total: int
    by_state: list[Tally]
    by_board: list[BoardRow]

    @property
    def submitted(self) -> int:
        return sum(t.value for t in self.by_state if t.key != "draft")


def forums_panel(edition: Edition) -> ForumsPanel:
    """Sub-forum applications to the edition's calls by state and by board. Two queries."""

    grouped = list(
        ForumApplication.objects.filter(call__edition=edition).order_by().values("board_id", "state").annotate(n=Count("pk"))
    )
    boards = list(Board.objects.filter(edition=edition).order_by("number", "key"))
    states: dict[str, int] = {}
    submitted: dict[int | None, int] = {}
    accepted: dict[int | None, int] = {}
    for row in grouped:
        states[row["state"]] = states.get(row["state"], 0) + row["n"]
        if row["state"] != ApplicationState.DRAFT:
            submitted[row["board_id"]] = submitted.get(row["board_id"], 0) + row["n"]
        if row["state"] == ApplicationState.ACCEPTED:
            accepted[row["board_id"]] = accepted.get(row["board_id"], 0) + row["n"]
    by_board = [BoardRow(b.key, pick(b, "name"), submitted.get(b.pk, 0), accepted.get(b.pk, 0)) for b in boards]
    if submitted.get(None) or accepted.get(None):
        by_board.append(BoardRow("", _("No board chosen"), submitted.get(None, 0), accepted.get(None, 0)))
    return ForumsPanel(total=sum(states.values()), by_state=tallies(ApplicationState.choices, states), by_board=by_board)
