"""Run calls at the same moment, one database connection each (the race tests' shared harness).

`at_once(calls)` starts one thread per call, releases them together through a barrier, and
returns each call's answer: "ok", the DomainError's code, or the class name of an exception
listed in `expected` (an IntegrityError in a negative control). Any other exception fails the
test. Each thread closes its own connection when done."""
import threading

from wic.errors import DomainError


def at_once(calls, *, expected: tuple[type[BaseException], ...] = (), timeout: float = 60) -> list[str]:
    barrier = threading.Barrier(len(calls))
    answers, errors = [], []

    def run(call):
        from django.db import connection

        try:
            barrier.wait(timeout=30)
            call()
            answers.append("ok")
        except DomainError as error:
            answers.append(error.code)
        except expected as error:
            answers.append(type(error).__name__)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert errors == [], errors
    return answers
