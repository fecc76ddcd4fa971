from enum import StrEnum


class BulkKind(StrEnum):
    RESET = "reset"
    START = "start"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
