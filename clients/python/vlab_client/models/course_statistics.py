from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stat_row import StatRow
    from ..models.stat_totals import StatTotals


T = TypeVar("T", bound="CourseStatistics")


@_attrs_define
class CourseStatistics:
    """
    Attributes:
        course_id (int):
        rows (list[StatRow]):
        totals (StatTotals):
    """

    course_id: int
    rows: list[StatRow]
    totals: StatTotals
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        course_id = self.course_id

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "course_id": course_id,
                "rows": rows,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.stat_row import StatRow
        from ..models.stat_totals import StatTotals

        d = dict(src_dict)
        course_id = d.pop("course_id")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = StatRow.from_dict(rows_item_data)

            rows.append(rows_item)

        totals = StatTotals.from_dict(d.pop("totals"))

        course_statistics = cls(
            course_id=course_id,
            rows=rows,
            totals=totals,
        )

        course_statistics.additional_properties = d
        return course_statistics

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
