from enum import StrEnum


class ConsoleTicketKind(StrEnum):
    SERIAL = "serial"
    VNC = "vnc"

    def __str__(self) -> str:
        return str(self.value)
