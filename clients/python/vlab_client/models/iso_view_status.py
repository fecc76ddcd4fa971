from enum import StrEnum


class IsoViewStatus(StrEnum):
    READY = "ready"
    UPLOADING = "uploading"

    def __str__(self) -> str:
        return str(self.value)
