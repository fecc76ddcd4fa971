from enum import StrEnum


class ListUsersSort(StrEnum):
    CREATED_AT = "created_at"
    DISPLAY_NAME = "display_name"
    ROLE = "role"
    USERNAME = "username"
    VALUE_0 = ""
    VALUE_2 = "-username"
    VALUE_4 = "-display_name"
    VALUE_6 = "-role"
    VALUE_8 = "-created_at"

    def __str__(self) -> str:
        return str(self.value)
