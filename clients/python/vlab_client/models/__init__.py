"""Contains all the data models used in inputs/outputs"""

from .action import Action
from .add_member_response_200 import AddMemberResponse200
from .add_port_forward_response_201 import AddPortForwardResponse201
from .add_template_version_response_201 import AddTemplateVersionResponse201
from .attach_disk_response_200 import AttachDiskResponse200
from .audit_entry import AuditEntry
from .audit_target import AuditTarget
from .begin_iso_upload_response_201 import BeginIsoUploadResponse201
from .bulk_action import BulkAction
from .bulk_kind import BulkKind
from .bulk_lab_response_200 import BulkLabResponse200
from .bulk_outcome import BulkOutcome
from .cancel_operation_response_200 import CancelOperationResponse200
from .cdrom_change import CdromChange
from .change_password_response_200 import ChangePasswordResponse200
from .change_vm_cdrom_response_200 import ChangeVmCdromResponse200
from .change_vm_state_response_202 import ChangeVmStateResponse202
from .console_request import ConsoleRequest
from .console_request_kind import ConsoleRequestKind
from .console_socket_connection import ConsoleSocketConnection
from .console_socket_sec_web_socket_protocol import ConsoleSocketSecWebSocketProtocol
from .console_socket_sec_web_socket_version import ConsoleSocketSecWebSocketVersion
from .console_socket_upgrade import ConsoleSocketUpgrade
from .console_ticket import ConsoleTicket
from .console_ticket_kind import ConsoleTicketKind
from .course_patch import CoursePatch
from .course_statistics import CourseStatistics
from .course_view import CourseView
from .cpu_metrics import CpuMetrics
from .create_course_response_201 import CreateCourseResponse201
from .create_disk_response_201 import CreateDiskResponse201
from .create_snapshot_response_201 import CreateSnapshotResponse201
from .create_template_response_201 import CreateTemplateResponse201
from .create_token_response_201 import CreateTokenResponse201
from .create_user_response_201 import CreateUserResponse201
from .create_vm_response_201 import CreateVmResponse201
from .created_account import CreatedAccount
from .created_token import CreatedToken
from .credentials import Credentials
from .csv_enrolment import CsvEnrolment
from .delete_course_response_200 import DeleteCourseResponse200
from .delete_disk_response_200 import DeleteDiskResponse200
from .delete_iso_response_200 import DeleteIsoResponse200
from .delete_lab_response_200 import DeleteLabResponse200
from .delete_node_response_200 import DeleteNodeResponse200
from .delete_snapshot_response_200 import DeleteSnapshotResponse200
from .delete_template_version_response_200 import DeleteTemplateVersionResponse200
from .delete_user_response_200 import DeleteUserResponse200
from .delete_vm_response_200 import DeleteVmResponse200
from .detach_disk_response_200 import DetachDiskResponse200
from .disk_attach import DiskAttach
from .disk_bus import DiskBus
from .disk_metrics import DiskMetrics
from .disk_resize import DiskResize
from .disk_view import DiskView
from .disk_view_format import DiskViewFormat
from .enrol_csv_response_200 import EnrolCsvResponse200
from .enrolment_report import EnrolmentReport
from .error_envelope import ErrorEnvelope
from .error_envelope_error import ErrorEnvelopeError
from .error_envelope_error_details import ErrorEnvelopeErrorDetails
from .get_course_quota_response_200 import GetCourseQuotaResponse200
from .get_course_response_200 import GetCourseResponse200
from .get_disk_response_200 import GetDiskResponse200
from .get_guest_network_response_200 import GetGuestNetworkResponse200
from .get_health_response_200 import GetHealthResponse200
from .get_health_response_200_data import GetHealthResponse200Data
from .get_health_response_200_data_accelerator import (
    GetHealthResponse200DataAccelerator,
)
from .get_health_response_200_data_confinement import (
    GetHealthResponse200DataConfinement,
)
from .get_health_response_200_data_guest_network_guard import (
    GetHealthResponse200DataGuestNetworkGuard,
)
from .get_iso_response_200 import GetIsoResponse200
from .get_lab_response_200 import GetLabResponse200
from .get_me_response_200 import GetMeResponse200
from .get_node_response_200 import GetNodeResponse200
from .get_operation_response_200 import GetOperationResponse200
from .get_overview_response_200 import GetOverviewResponse200
from .get_statistics_response_200 import GetStatisticsResponse200
from .get_stats_response_200 import GetStatsResponse200
from .get_status_history_response_200 import GetStatusHistoryResponse200
from .get_status_response_200 import GetStatusResponse200
from .get_summary_response_200 import GetSummaryResponse200
from .get_system_log_response_200 import GetSystemLogResponse200
from .get_template_response_200 import GetTemplateResponse200
from .get_user_quota_response_200 import GetUserQuotaResponse200
from .get_user_response_200 import GetUserResponse200
from .get_vm_history_response_200 import GetVmHistoryResponse200
from .get_vm_log_response_200 import GetVmLogResponse200
from .get_vm_metrics_response_200 import GetVmMetricsResponse200
from .get_vm_response_200 import GetVmResponse200
from .guest_network import GuestNetwork
from .history_point import HistoryPoint
from .host_capacity import HostCapacity
from .host_cpu import HostCpu
from .host_history import HostHistory
from .host_memory import HostMemory
from .host_point import HostPoint
from .host_status import HostStatus
from .image_upload import ImageUpload
from .iso_view import IsoView
from .iso_view_status import IsoViewStatus
from .kind_queue import KindQueue
from .kind_stats import KindStats
from .lab_patch import LabPatch
from .lab_view import LabView
from .list_audit_response_200 import ListAuditResponse200
from .list_courses_response_200 import ListCoursesResponse200
from .list_disks_response_200 import ListDisksResponse200
from .list_isos_response_200 import ListIsosResponse200
from .list_labs_response_200 import ListLabsResponse200
from .list_members_response_200 import ListMembersResponse200
from .list_nodes_response_200 import ListNodesResponse200
from .list_operations_response_200 import ListOperationsResponse200
from .list_port_forwards_response_200 import ListPortForwardsResponse200
from .list_seats_response_200 import ListSeatsResponse200
from .list_snapshots_response_200 import ListSnapshotsResponse200
from .list_templates_response_200 import ListTemplatesResponse200
from .list_tokens_response_200 import ListTokensResponse200
from .list_users_response_200 import ListUsersResponse200
from .list_users_sort import ListUsersSort
from .list_vms_response_200 import ListVmsResponse200
from .list_vms_sort import ListVmsSort
from .log_entry import LogEntry
from .log_source import LogSource
from .login_grant import LoginGrant
from .login_response_200 import LoginResponse200
from .logout_response_200 import LogoutResponse200
from .member_view import MemberView
from .member_view_role import MemberViewRole
from .memory_metrics import MemoryMetrics
from .move_vm_response_202 import MoveVmResponse202
from .my_labs_response_200 import MyLabsResponse200
from .network_metrics import NetworkMetrics
from .network_mode import NetworkMode
from .new_course import NewCourse
from .new_disk import NewDisk
from .new_iso import NewIso
from .new_lab import NewLab
from .new_member import NewMember
from .new_member_role import NewMemberRole
from .new_port_forward import NewPortForward
from .new_port_forward_protocol import NewPortForwardProtocol
from .new_snapshot import NewSnapshot
from .new_template import NewTemplate
from .new_template_version import NewTemplateVersion
from .new_token import NewToken
from .new_user import NewUser
from .new_vm import NewVm
from .node_patch import NodePatch
from .node_view import NodeView
from .open_console_response_200 import OpenConsoleResponse200
from .open_lab_response_200 import OpenLabResponse200
from .opened_lab import OpenedLab
from .operation_stats import OperationStats
from .operation_summary import OperationSummary
from .operation_view import OperationView
from .operation_view_status import OperationViewStatus
from .pagination import Pagination
from .password_change import PasswordChange
from .password_reset import PasswordReset
from .pool_space import PoolSpace
from .port_forward_view import PortForwardView
from .port_forward_view_protocol import PortForwardViewProtocol
from .publication import Publication
from .publish_lab_response_202 import PublishLabResponse202
from .quota_limits import QuotaLimits
from .quota_usage import QuotaUsage
from .quota_view import QuotaView
from .remove_member_response_200 import RemoveMemberResponse200
from .remove_port_forward_response_200 import RemovePortForwardResponse200
from .reset_password_response_200 import ResetPasswordResponse200
from .reset_request import ResetRequest
from .reset_vm_response_200 import ResetVmResponse200
from .resize_disk_response_200 import ResizeDiskResponse200
from .retry_operation_response_202 import RetryOperationResponse202
from .revert_snapshot_response_200 import RevertSnapshotResponse200
from .revoke_token_response_200 import RevokeTokenResponse200
from .role import Role
from .seat_view import SeatView
from .set_course_quota_response_200 import SetCourseQuotaResponse200
from .set_user_quota_response_200 import SetUserQuotaResponse200
from .snapshot_view import SnapshotView
from .stat_row import StatRow
from .stat_totals import StatTotals
from .state_change_request import StateChangeRequest
from .state_count import StateCount
from .system_log import SystemLog
from .system_overview import SystemOverview
from .template_version_view import TemplateVersionView
from .template_view import TemplateView
from .token_view import TokenView
from .update_course_response_200 import UpdateCourseResponse200
from .update_lab_response_200 import UpdateLabResponse200
from .update_node_response_200 import UpdateNodeResponse200
from .update_user_response_200 import UpdateUserResponse200
from .update_vm_response_200 import UpdateVmResponse200
from .upload_iso_chunk_response_200 import UploadIsoChunkResponse200
from .upload_template_chunk_response_200 import UploadTemplateChunkResponse200
from .user_patch import UserPatch
from .user_view import UserView
from .vm_history import VmHistory
from .vm_log import VmLog
from .vm_metrics import VmMetrics
from .vm_move import VmMove
from .vm_patch import VmPatch
from .vm_state import VmState
from .vm_view import VmView
from .wait_operation_response_200 import WaitOperationResponse200

__all__ = (
    "Action",
    "AddMemberResponse200",
    "AddPortForwardResponse201",
    "AddTemplateVersionResponse201",
    "AttachDiskResponse200",
    "AuditEntry",
    "AuditTarget",
    "BeginIsoUploadResponse201",
    "BulkAction",
    "BulkKind",
    "BulkLabResponse200",
    "BulkOutcome",
    "CancelOperationResponse200",
    "CdromChange",
    "ChangePasswordResponse200",
    "ChangeVmCdromResponse200",
    "ChangeVmStateResponse202",
    "ConsoleRequest",
    "ConsoleRequestKind",
    "ConsoleSocketConnection",
    "ConsoleSocketSecWebSocketProtocol",
    "ConsoleSocketSecWebSocketVersion",
    "ConsoleSocketUpgrade",
    "ConsoleTicket",
    "ConsoleTicketKind",
    "CoursePatch",
    "CourseStatistics",
    "CourseView",
    "CpuMetrics",
    "CreateCourseResponse201",
    "CreateDiskResponse201",
    "CreateSnapshotResponse201",
    "CreateTemplateResponse201",
    "CreateTokenResponse201",
    "CreateUserResponse201",
    "CreateVmResponse201",
    "CreatedAccount",
    "CreatedToken",
    "Credentials",
    "CsvEnrolment",
    "DeleteCourseResponse200",
    "DeleteDiskResponse200",
    "DeleteIsoResponse200",
    "DeleteLabResponse200",
    "DeleteNodeResponse200",
    "DeleteSnapshotResponse200",
    "DeleteTemplateVersionResponse200",
    "DeleteUserResponse200",
    "DeleteVmResponse200",
    "DetachDiskResponse200",
    "DiskAttach",
    "DiskBus",
    "DiskMetrics",
    "DiskResize",
    "DiskView",
    "DiskViewFormat",
    "EnrolCsvResponse200",
    "EnrolmentReport",
    "ErrorEnvelope",
    "ErrorEnvelopeError",
    "ErrorEnvelopeErrorDetails",
    "GetCourseQuotaResponse200",
    "GetCourseResponse200",
    "GetDiskResponse200",
    "GetGuestNetworkResponse200",
    "GetHealthResponse200",
    "GetHealthResponse200Data",
    "GetHealthResponse200DataAccelerator",
    "GetHealthResponse200DataConfinement",
    "GetHealthResponse200DataGuestNetworkGuard",
    "GetIsoResponse200",
    "GetLabResponse200",
    "GetMeResponse200",
    "GetNodeResponse200",
    "GetOperationResponse200",
    "GetOverviewResponse200",
    "GetStatisticsResponse200",
    "GetStatsResponse200",
    "GetStatusHistoryResponse200",
    "GetStatusResponse200",
    "GetSummaryResponse200",
    "GetSystemLogResponse200",
    "GetTemplateResponse200",
    "GetUserQuotaResponse200",
    "GetUserResponse200",
    "GetVmHistoryResponse200",
    "GetVmLogResponse200",
    "GetVmMetricsResponse200",
    "GetVmResponse200",
    "GuestNetwork",
    "HistoryPoint",
    "HostCapacity",
    "HostCpu",
    "HostHistory",
    "HostMemory",
    "HostPoint",
    "HostStatus",
    "ImageUpload",
    "IsoView",
    "IsoViewStatus",
    "KindQueue",
    "KindStats",
    "LabPatch",
    "LabView",
    "ListAuditResponse200",
    "ListCoursesResponse200",
    "ListDisksResponse200",
    "ListIsosResponse200",
    "ListLabsResponse200",
    "ListMembersResponse200",
    "ListNodesResponse200",
    "ListOperationsResponse200",
    "ListPortForwardsResponse200",
    "ListSeatsResponse200",
    "ListSnapshotsResponse200",
    "ListTemplatesResponse200",
    "ListTokensResponse200",
    "ListUsersResponse200",
    "ListUsersSort",
    "ListVmsResponse200",
    "ListVmsSort",
    "LogEntry",
    "LogSource",
    "LoginGrant",
    "LoginResponse200",
    "LogoutResponse200",
    "MemberView",
    "MemberViewRole",
    "MemoryMetrics",
    "MoveVmResponse202",
    "MyLabsResponse200",
    "NetworkMetrics",
    "NetworkMode",
    "NewCourse",
    "NewDisk",
    "NewIso",
    "NewLab",
    "NewMember",
    "NewMemberRole",
    "NewPortForward",
    "NewPortForwardProtocol",
    "NewSnapshot",
    "NewTemplate",
    "NewTemplateVersion",
    "NewToken",
    "NewUser",
    "NewVm",
    "NodePatch",
    "NodeView",
    "OpenConsoleResponse200",
    "OpenLabResponse200",
    "OpenedLab",
    "OperationStats",
    "OperationSummary",
    "OperationView",
    "OperationViewStatus",
    "Pagination",
    "PasswordChange",
    "PasswordReset",
    "PoolSpace",
    "PortForwardView",
    "PortForwardViewProtocol",
    "Publication",
    "PublishLabResponse202",
    "QuotaLimits",
    "QuotaUsage",
    "QuotaView",
    "RemoveMemberResponse200",
    "RemovePortForwardResponse200",
    "ResetPasswordResponse200",
    "ResetRequest",
    "ResetVmResponse200",
    "ResizeDiskResponse200",
    "RetryOperationResponse202",
    "RevertSnapshotResponse200",
    "RevokeTokenResponse200",
    "Role",
    "SeatView",
    "SetCourseQuotaResponse200",
    "SetUserQuotaResponse200",
    "SnapshotView",
    "StatRow",
    "StatTotals",
    "StateChangeRequest",
    "StateCount",
    "SystemLog",
    "SystemOverview",
    "TemplateVersionView",
    "TemplateView",
    "TokenView",
    "UpdateCourseResponse200",
    "UpdateLabResponse200",
    "UpdateNodeResponse200",
    "UpdateUserResponse200",
    "UpdateVmResponse200",
    "UploadIsoChunkResponse200",
    "UploadTemplateChunkResponse200",
    "UserPatch",
    "UserView",
    "VmHistory",
    "VmLog",
    "VmMetrics",
    "VmMove",
    "VmPatch",
    "VmState",
    "VmView",
    "WaitOperationResponse200",
)
