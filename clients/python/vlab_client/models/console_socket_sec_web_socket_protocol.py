from enum import StrEnum


class ConsoleSocketSecWebSocketProtocol(StrEnum):
    BINARY = "binary"

    def __str__(self) -> str:
        return str(self.value)
