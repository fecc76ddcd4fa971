from enum import StrEnum


class ListVmsSort(StrEnum):
    ID = "id"
    VALUE_0 = ""
    VALUE_2 = "-id"

    def __str__(self) -> str:
        return str(self.value)
