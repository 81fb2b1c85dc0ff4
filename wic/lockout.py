"""The sign-in lockout's counting (AXES_HANDLER): django-axes' database handler with a limit per
lockout parameter set.

Axes compares one count with one limit (AXES_FAILURE_LIMIT). Here each set of
AXES_LOCKOUT_PARAMETERS has its own: the (username, address) pair counts against
AXES_FAILURE_LIMIT (5), and the address alone, summed over every username it tried, against
AXES_ADDRESS_FAILURE_LIMIT (higher, since a venue's guests and volunteers share one NAT address).
Without the second, one address could try a password or two on every username it knows
(issue 19: no per-address limit across usernames). A success forgets that pair's failures only,
never the rest of the address's: signing in to one's own account between guesses gains nothing.
The answer names which limit was reached (`request.axes_address_locked`, wic.security).
"""
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ADDRESS = "ip_address"


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The count axes compares with AXES_FAILURE_LIMIT: the pair's failures, or the whole
        limit once the address alone has reached AXES_ADDRESS_FAILURE_LIMIT."""
        limit = get_failure_limit(request, credentials)
        counted = 0
        for parameters, attempts in zip(get_lockout_parameters(request, credentials), self.get_user_attempts(request, credentials)):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameters == ADDRESS:
                if failures < settings.AXES_ADDRESS_FAILURE_LIMIT:
                    continue
                request.axes_address_locked = True
                failures = max(failures, limit)
            counted = max(counted, failures)
        return counted

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in (AXES_RESET_ON_SUCCESS): that username's failures from that
        address, not the address's others (axes would reset every set, the address's too)."""
        username = get_client_username(request, credentials)
        count, _per_model = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
