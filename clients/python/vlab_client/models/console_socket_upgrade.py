from enum import StrEnum


class ConsoleSocketUpgrade(StrEnum):
    WEBSOCKET = "websocket"

    def __str__(self) -> str:
        return str(self.value)
