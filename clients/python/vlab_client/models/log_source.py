from enum import StrEnum


class LogSource(StrEnum):
    QEMU = "qemu"
    SERIAL = "serial"

    def __str__(self) -> str:
        return str(self.value)
