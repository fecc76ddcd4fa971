from enum import StrEnum


class AuditTarget(StrEnum):
    COURSE = "course"
    DISK = "disk"
    ISO = "iso"
    LAB = "lab"
    NODE = "node"
    OPERATION = "operation"
    TEMPLATE = "template"
    TEMPLATE_VERSION = "template-version"
    USER = "user"
    VM = "vm"

    def __str__(self) -> str:
        return str(self.value)
