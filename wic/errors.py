"""Domain errors: a stable machine-readable `code` and a message naming the fact that failed."""


class DomainError(Exception):
    """Raised by services; the API maps it to a JSON body `{"code": ..., "message": ...}`."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, field: str | None = None, fields: tuple[str, ...] | list[str] = ()):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        # The fields a refusal lists (all the empty ones of `incomplete`), by name, so a page can
        # mark each and name it by its label (wic.page_errors); `field` stays what the API reports.
        self.fields = tuple(fields)
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ConflictError(DomainError):
    status = 409
