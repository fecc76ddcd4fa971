from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CsvEnrolment")


@_attrs_define
class CsvEnrolment:
    """The CSV of an enrolment sent as JSON, for clients that send only JSON.

    Attributes:
        csv (str): The file's text: lines `username,name[,email]`, an optional header.
    """

    csv: str

    def to_dict(self) -> dict[str, Any]:
        csv = self.csv

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "csv": csv,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        csv = d.pop("csv")

        csv_enrolment = cls(
            csv=csv,
        )

        return csv_enrolment
