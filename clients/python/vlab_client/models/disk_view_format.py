from enum import StrEnum


class DiskViewFormat(StrEnum):
    QCOW2 = "qcow2"
    RAW = "raw"
    VMDK = "vmdk"

    def __str__(self) -> str:
        return str(self.value)
