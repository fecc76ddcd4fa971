from enum import StrEnum


class ConsoleSocketConnection(StrEnum):
    UPGRADE = "Upgrade"

    def __str__(self) -> str:
        return str(self.value)
