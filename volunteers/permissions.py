"""Who may do what in the volunteer programme.

| who                       | may                                                                         |
|---------------------------|-----------------------------------------------------------------------------|
| anyone                    | apply to an open programme                                                  |
| a volunteer (own account) | see their shifts and iCal feed, check in and out of their own shifts in the |
|                           | window, ask to swap or drop a shift, answer a standby offer (secret link)   |
| a team leader             | the live board of their teams' posts, check in their team's volunteers (QR  |
|                           | or pick), record training attendance, decide swap/drop requests, hours CSV  |
|                           | — only for the volunteers of teams they lead (`not_your_team`)              |
| organizers                | everything, for every volunteer (admin: decisions, interviews, rosters)     |

Organizers are `wic.roles.is_organizer`. Each row is a row of tests/wic/test_permission_matrix.py.
"""
from wic.roles import is_organizer


def lead_can_manage(user, volunteer) -> bool:
    """Organizers manage everyone; a lead only the volunteers of a team they lead."""
    from .models import Team

    if is_organizer(user):
        return True
    return volunteer.team_id is not None and Team.objects.filter(pk=volunteer.team_id, leader=user).exists()
