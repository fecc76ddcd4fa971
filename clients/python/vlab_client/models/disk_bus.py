from enum import StrEnum


class DiskBus(StrEnum):
    IDE = "ide"
    VIRTIO = "virtio"

    def __str__(self) -> str:
        return str(self.value)
