from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    STUDENT = "student"
    TEACHER = "teacher"

    def __str__(self) -> str:
        return str(self.value)
