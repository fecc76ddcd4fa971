//! UI text in English and Chinese. Keys are checked by a test so neither
//! language can miss one.

use serde::{Deserialize, Serialize};

/// The languages the UI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// Name of the cookie that remembers the choice.
pub const LANG_COOKIE: &str = "vlab_lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        if c == "zh" || c.starts_with("zh-") {
            Some(Lang::Zh)
        } else if c == "en" || c.starts_with("en-") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the language from a cookie value, else an `Accept-Language`
    /// header (highest q first), else English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(l) = cookie.and_then(Lang::from_code) {
            return l;
        }
        let mut offers: Vec<(f32, Lang)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::from_code(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        offers.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        offers.first().map(|o| o.1).unwrap_or_default()
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }
}

const TEXT: &[(&str, &str, &str)] = &[
    ("app.name", "vlab", "vlab"),
    ("app.tagline", "Virtual machine lab", "虚拟机实验室"),
    ("nav.home", "Home", "首页"),
    ("nav.users", "Users", "用户"),
    ("nav.nodes", "Nodes", "节点"),
    ("nav.system", "System", "系统"),
    ("nav.audit", "Audit", "审计"),
    ("chart.empty", "No samples in this range yet.", "此时间范围内尚无采样。"),
    ("usage.title", "Usage", "资源使用"),
    ("usage.cpu", "CPU", "CPU"),
    ("usage.cpu_process", "QEMU process", "QEMU 进程"),
    ("usage.cpu_guest", "guest vCPUs", "客户机 vCPU"),
    ("usage.memory", "Memory", "内存"),
    ("usage.rss", "held on the host", "宿主机占用"),
    ("usage.disk", "Disk", "磁盘"),
    ("usage.read", "read", "读取"),
    ("usage.write", "write", "写入"),
    ("usage.network", "Network", "网络"),
    ("usage.rx", "received", "接收"),
    ("usage.tx", "sent", "发送"),
    ("usage.no_network", "User-mode networking has no traffic counters; a bridged VM shows its traffic here.", "用户模式网络没有流量计数；桥接网络的虚拟机会在此显示流量。"),
    ("system.title", "System", "系统"),
    ("system.node", "Node", "节点"),
    ("system.cores", "cores", "核"),
    ("system.load", "Load", "负载"),
    ("system.load_1m", "1 minute", "1 分钟"),
    ("system.available", "available", "可用"),
    ("system.held", "Held by running VMs", "运行中虚拟机占用"),
    ("system.accelerator", "Accelerator", "加速方式"),
    ("system.up", "up", "已运行"),
    ("system.vms", "VMs on this node", "本节点的虚拟机"),
    ("system.pools", "Pools", "存储池"),
    ("system.pool", "Pool", "存储池"),
    ("system.free", "Free", "可用"),
    ("system.size", "Size", "容量"),
    ("system.shared", "shared", "共享"),
    ("system.sampled", "Measured at", "测量时间"),
    ("system.cpu_busy", "busy", "忙碌"),
    ("system.memory_used", "used", "已用"),
    ("system.running_vms", "Running VMs", "运行中的虚拟机"),
    ("logs.title", "Logs", "日志"),
    ("logs.serial", "Serial", "串口"),
    ("logs.qemu", "QEMU", "QEMU"),
    ("logs.download", "Download", "下载"),
    ("logs.serial_intro", "What the guest wrote to its serial port, newest at the end; it follows while this page is open.", "客户机写入串口的内容，最新的在末尾；页面打开时持续更新。"),
    ("logs.qemu_intro", "QEMU's own messages for this VM: warnings, errors and why it stopped.", "QEMU 为此虚拟机输出的消息：警告、错误及停止原因。"),
    ("logs.empty", "(nothing yet)", "（暂无内容）"),
    ("logs.vlab", "vlab's log", "vlab 日志"),
    ("logs.level", "Level", "级别"),
    ("logs.search", "Search", "搜索"),
    ("logs.target", "Part", "模块"),
    ("logs.message", "Message", "消息"),
    ("logs.node", "Kept in memory on node", "保存在内存中，节点"),
    ("logs.dropped", "older entries dropped", "条较早的记录已丢弃"),
    ("audit.title", "Audit trail", "审计日志"),
    ("audit.intro", "Every change asked of vlab, newest first: through the API, the UI or the lab scheduler. Teachers see what was done in their courses.", "对 vlab 的每一次更改（按时间倒序）：来自 API、界面或实验调度器。教师只能看到其课程中的操作。"),
    ("audit.user_id", "User id", "用户 ID"),
    ("audit.target", "Target", "对象"),
    ("audit.any", "any", "全部"),
    ("audit.action", "Action", "操作"),
    ("audit.result", "Result", "结果"),
    ("audit.error", "error", "错误"),
    ("audit.from", "From (UTC)", "起始（UTC）"),
    ("audit.to", "To (UTC)", "截止（UTC）"),
    ("audit.apply", "Filter", "筛选"),
    ("audit.export", "Export CSV", "导出 CSV"),
    ("audit.when", "When", "时间"),
    ("audit.who", "Who", "操作者"),
    ("audit.from_where", "Door · proof · address", "途径 · 认证 · 地址"),
    ("audit.summary", "Summary", "摘要"),
    ("nodes.title", "Nodes", "节点"),
    ("nodes.intro", "The hosts vlab runs on. A disabled node takes no new VMs; its running VMs stay.", "运行 vlab 的主机。停用的节点不再接收新虚拟机，已运行的虚拟机保持运行。"),
    ("nodes.name", "Name", "名称"),
    ("nodes.status", "Status", "状态"),
    ("nodes.online", "online", "在线"),
    ("nodes.unreachable", "unreachable", "无法连接"),
    ("nodes.this", "this node", "本节点"),
    ("nodes.cpus", "CPUs · load", "CPU · 负载"),
    ("nodes.memory", "Memory free", "可用内存"),
    ("nodes.pool", "Pool free", "存储池可用"),
    ("nodes.vms", "VMs (running)", "虚拟机（运行中）"),
    ("nodes.software", "Accelerator · QEMU · vlab", "加速 · QEMU · vlab"),
    ("nodes.heartbeat", "Last heartbeat", "最近心跳"),
    ("nodes.enabled", "Takes new VMs", "接收新虚拟机"),
    ("nodes.disable", "Disable (drain)", "停用（排空）"),
    ("nodes.enable", "Enable", "启用"),
    ("nodes.node", "Node", "节点"),
    ("nodes.automatic", "(most free memory)", "（可用内存最多）"),
    ("nodes.move", "Move to", "迁移到"),
    ("nodes.move_hint", "Its disks are copied to the node and checked; stop the VM first.", "磁盘会复制到该节点并校验；请先停止虚拟机。"),
    ("nodes.pin", "Pin new VMs to", "新虚拟机固定到"),
    ("nav.profile", "Profile", "个人资料"),
    ("nav.logout", "Log out", "退出登录"),
    ("nav.api_docs", "API", "API 文档"),
    ("lang.switch", "中文", "English"),
    ("login.title", "Sign in", "登录"),
    ("login.username", "Username", "用户名"),
    ("login.password", "Password", "密码"),
    ("login.submit", "Sign in", "登录"),
    ("login.failed", "Wrong username or password.", "用户名或密码错误。"),
    ("login.throttled", "Too many attempts. Try again in a minute.", "尝试次数过多,请稍后再试。"),
    ("login.invalid", "Enter a username and a password.", "请输入用户名和密码。"),
    ("home.student", "My machines", "我的虚拟机"),
    ("home.student.empty", "You have no machines yet. Your teacher's labs will appear here.", "你还没有虚拟机。老师发布的实验会显示在这里。"),
    ("home.teacher", "My courses", "我的课程"),
    ("home.teacher.empty", "You have no courses yet.", "你还没有课程。"),
    ("home.admin", "Administration", "系统管理"),
    ("home.admin.users", "Users in the system", "系统中的用户数"),
    ("home.admin.exists", "What exists", "现有资源"),
    ("home.admin.vms", "Virtual machines", "虚拟机"),
    ("home.admin.running", "running", "运行中"),
    ("home.admin.isos", "ISOs in the library", "镜像库中的 ISO"),
    ("home.admin.courses", "Courses", "课程"),
    ("home.admin.labs", "Labs", "实验"),
    ("home.admin.accel", "Guests run with", "虚拟机加速方式"),
    ("home.next", "Next steps", "下一步"),
    ("home.next.demo_vm", "Create a VM from the demo guest and start it: it boots to a shell in seconds", "用演示镜像创建并启动一台虚拟机：几秒内即可进入命令行"),
    ("home.next.iso", "Upload an installer ISO to the library", "向镜像库上传安装 ISO"),
    ("home.next.course", "Create a course and enrol students (one by one or from CSV)", "创建课程并添加学生（逐个或通过 CSV）"),
    ("home.next.lab", "Publish a lab: every student gets a linked clone of a template", "发布实验：每个学生获得模板的链接克隆"),
    ("home.next.done", "done", "已完成"),
    ("home.welcome", "Welcome", "欢迎"),
    ("role.student", "Student", "学生"),
    ("role.teacher", "Teacher", "教师"),
    ("role.admin", "Administrator", "管理员"),
    ("users.title", "Users", "用户管理"),
    ("users.search", "Search", "搜索"),
    ("users.all_roles", "All roles", "全部角色"),
    ("users.new", "New user", "新建用户"),
    ("users.create", "Create", "创建"),
    ("users.created", "User created.", "用户已创建。"),
    ("users.username", "Username", "用户名"),
    ("users.display_name", "Name", "姓名"),
    ("users.email", "Email", "邮箱"),
    ("users.role", "Role", "角色"),
    ("users.password", "Password", "密码"),
    ("users.actions", "Actions", "操作"),
    ("users.delete", "Delete", "删除"),
    ("users.confirm_delete", "Delete this user?", "确定删除该用户?"),
    ("users.reset_password", "Reset password", "重置密码"),
    ("users.new_password", "New password", "新密码"),
    ("users.password_reset_done", "Password reset.", "密码已重置。"),
    ("users.prev", "Previous", "上一页"),
    ("users.next", "Next", "下一页"),
    ("users.page", "Page", "页"),
    ("users.total", "users", "个用户"),
    ("profile.title", "Profile", "个人资料"),
    ("profile.change_password", "Change password", "修改密码"),
    ("profile.current_password", "Current password", "当前密码"),
    ("profile.new_password", "New password", "新密码"),
    ("profile.keep_tokens", "Keep my personal API tokens working (otherwise they are revoked)", "保留我的个人 API 令牌（否则将被吊销）"),
    ("profile.save", "Save", "保存"),
    ("profile.password_changed", "Password changed.", "密码已修改。"),
    ("profile.must_change", "Your account still has the one-time password it was given. Choose your own password to go on.", "您的账户仍在使用发放的一次性密码。请先设置您自己的密码再继续。"),
    ("tokens.title", "API tokens", "API 令牌"),
    ("tokens.name", "Token name", "令牌名称"),
    ("tokens.days", "Expires in days (empty: never)", "有效天数(留空表示永久)"),
    ("tokens.create", "Create token", "创建令牌"),
    ("tokens.shown_once", "Copy this token now; it will not be shown again:", "请立即复制此令牌,它不会再次显示:"),
    ("tokens.revoke", "Revoke", "撤销"),
    ("tokens.none", "No tokens.", "没有令牌。"),
    ("tokens.never", "never", "永不"),
    ("tokens.created_at", "Created", "创建时间"),
    ("tokens.expires_at", "Expires", "过期时间"),
    ("tokens.last_used", "Last used", "最近使用"),
    ("nav.machines", "Machines", "虚拟机"),
    ("nav.disks", "Disks", "磁盘"),
    ("nav.isos", "ISO library", "ISO 镜像库"),
    ("vm.title", "Virtual machines", "虚拟机"),
    ("vm.new", "New machine", "新建虚拟机"),
    ("vm.name", "Name", "名称"),
    ("vm.description", "Description", "描述"),
    ("vm.cpus", "vCPUs", "虚拟 CPU"),
    ("vm.memory", "Memory (MiB)", "内存 (MiB)"),
    ("vm.kernel", "Kernel (optional)", "内核(可选)"),
    ("vm.iso", "CD-ROM", "光驱"),
    ("vm.no_iso", "(empty)", "(空)"),
    ("vm.boot_order", "Boot order", "启动顺序"),
    ("vm.outbound", "Reaches other hosts (NAT)", "可访问其他主机（NAT）"),
    ("vm.network", "Network", "网络"),
    ("vm.forward", "Forward guest port", "转发客户机端口"),
    ("vm.create", "Create", "创建"),
    ("vm.owner", "Owner", "所有者"),
    ("vm.state", "State", "状态"),
    ("vm.none", "No machines.", "没有虚拟机。"),
    ("vm.open", "Open", "打开"),
    ("vm.start", "Start", "启动"),
    ("vm.why_not_running", "Not running:", "未运行："),
    ("vm.delete_disks", "and its disks", "并删除其磁盘"),
    ("vm.screen_when_running", "The screen shows here while the VM runs.", "虚拟机运行时在此显示屏幕。"),
    ("vm.demo", "demo", "演示"),
    ("op.running", "in progress…", "进行中…"),
    ("op.done", "done", "完成"),
    ("op.failed", "failed", "失败"),
    ("vm.shutdown", "Shut down", "关机"),
    ("vm.stop", "Power off", "断电"),
    ("vm.restart", "Restart", "重启"),
    ("vm.pause", "Pause", "暂停"),
    ("vm.resume", "Resume", "继续"),
    ("vm.reset", "Reset", "复位"),
    ("vm.delete", "Delete", "删除"),
    ("vm.confirm_delete", "Delete this machine?", "确定删除此虚拟机?"),
    ("vm.config", "Configuration", "配置"),
    ("vm.save", "Save", "保存"),
    ("vm.saved", "Saved.", "已保存。"),
    ("vm.needs_restart", "Changes apply at the next start.", "更改将在下次启动时生效。"),
    ("vm.disks", "Disks", "磁盘"),
    ("vm.attach", "Attach", "挂载"),
    ("vm.detach", "Detach", "卸载"),
    ("vm.snapshots", "Snapshots", "快照"),
    ("vm.snapshot_name", "Snapshot name", "快照名称"),
    ("vm.take_snapshot", "Take snapshot", "创建快照"),
    ("vm.revert", "Revert", "恢复"),
    ("vm.forwards", "Port forwards", "端口转发"),
    ("vm.add_forward", "Add", "添加"),
    ("vm.remove", "Remove", "移除"),
    ("vm.host", "Host", "主机"),
    ("vm.guest", "Guest", "客户机"),
    ("state.stopped", "stopped", "已停止"),
    ("state.starting", "starting", "启动中"),
    ("state.running", "running", "运行中"),
    ("state.paused", "paused", "已暂停"),
    ("state.stopping", "stopping", "停止中"),
    ("state.crashed", "crashed", "已崩溃"),
    ("state.unknown", "unknown (its node does not answer)", "未知（所在节点无响应）"),
    ("disk.title", "Disks", "磁盘"),
    ("disk.size", "Size (MiB)", "大小 (MiB)"),
    ("disk.format", "Format", "格式"),
    ("disk.create", "Create disk", "创建磁盘"),
    ("disk.attached_to", "Attached to", "挂载于"),
    ("iso.title", "ISO library", "ISO 镜像库"),
    ("iso.upload", "Upload", "上传"),
    ("iso.size", "Size", "大小"),
    ("iso.status", "Status", "状态"),
    ("console.connecting", "connecting…", "连接中…"),
    ("console.scale", "Fit", "缩放"),
    ("console.fullscreen", "Full screen", "全屏"),
    ("console.view_only", "View only", "只读"),
    ("console.send_text", "Text to type", "要输入的文字"),
    ("console.send", "Type", "发送"),
    ("console.disconnect", "Disconnect", "断开"),
    ("console.connect", "Connect", "连接"),
    ("console.back", "Machine", "虚拟机"),
    ("console.serial", "Serial console", "串口控制台"),
    ("console.screen", "Screen", "图形控制台"),
    ("console.open", "Open console", "打开控制台"),
    ("nav.courses", "Courses", "课程"),
    ("quota.title", "Quota: used / limit", "配额：已用 / 上限"),
    ("quota.vms", "VMs", "虚拟机"),
    ("quota.vcpus", "vCPUs", "vCPU"),
    ("quota.memory", "Memory (MiB)", "内存（MiB）"),
    ("quota.disk", "Disk (MiB)", "磁盘（MiB）"),
    ("quota.running_vms", "Running VMs", "运行中的虚拟机"),
    ("quota.running_vcpus", "Running vCPUs", "运行中的 vCPU"),
    ("quota.running_memory", "Running memory (MiB)", "运行中的内存（MiB）"),
    ("course.title", "Courses", "课程"),
    ("course.code", "Code", "代码"),
    ("course.name", "Title", "名称"),
    ("course.term", "Term", "学期"),
    ("course.students", "students", "名学生"),
    ("course.create", "Create course", "创建课程"),
    ("course.members", "Members", "成员"),
    ("course.keep_reset", "Keep a student's old disk for the teacher on reset", "重置时为教师保留学生的旧磁盘"),
    ("course.archived", "Archived", "已归档"),
    ("course.add_member", "Add", "添加"),
    ("course.csv", "Enrol from CSV (username,name,email per line)", "从 CSV 批量选课（每行 用户名,姓名,邮箱）"),
    ("course.enrol", "Enrol", "导入"),
    ("course.enrolling", "Making the accounts…", "正在创建账号…"),
    ("course.enrolled", "Enrolled", "已选课"),
    ("course.passwords", "New accounts and their one-time passwords (shown once):", "新账号及其一次性密码（仅显示一次）："),
    ("template.title", "Templates", "模板"),
    ("template.from_vm", "from a stopped VM…", "选择已关机的虚拟机…"),
    ("template.create", "Make template", "创建模板"),
    ("lab.title", "Labs", "实验"),
    ("lab.mine", "My labs", "我的实验"),
    ("lab.none", "No labs yet.", "暂无实验。"),
    ("lab.open", "Open lab", "进入实验"),
    ("lab.closes", "closes", "截止"),
    ("lab.closes_at", "closes at (RFC 3339, optional)", "截止时间（RFC 3339，可选）"),
    ("lab.idle", "idle min", "空闲分钟"),
    ("lab.version", "template version…", "模板版本…"),
    ("lab.publish", "Publish lab", "发布实验"),
    ("lab.publishing", "Publishing", "正在发布"),
    ("lab.vms", "VMs", "虚拟机数"),
    ("wall.title", "Class wall", "课堂墙"),
    ("wall.reset", "Reset to baseline", "重置为初始状态"),
    ("wall.confirm_reset", "Reset the selected VMs? Their disks are replaced by fresh copies of the template.", "确定重置所选虚拟机？其磁盘将被模板的新副本替换。"),
    ("wall.selected", "selected", "已选"),
    ("wall.take_over", "take over", "接管"),
    ("stats.title", "Statistics", "统计"),
    ("stats.csv", "Download CSV", "下载 CSV"),
    ("stats.totals", "Totals", "合计"),
    ("stats.hours", "Running hours", "运行小时"),
    ("stats.console", "Console minutes", "控制台分钟"),
    ("stats.starts", "starts", "次启动"),
    ("stats.resets", "resets", "次重置"),
    ("stats.last", "Last activity", "最近活动"),
    ("common.loading", "Loading…", "加载中…"),
    ("common.error", "Error", "错误"),
    ("common.not_found", "Page not found.", "页面不存在。"),
];

/// The text for `key` in `lang`; the key itself if it is unknown.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    TEXT.iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| match lang {
            Lang::En => *en,
            Lang::Zh => *zh,
        })
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_cookie_then_header_then_english() {
        assert_eq!(Lang::negotiate(Some("zh"), Some("en-US")), Lang::Zh);
        assert_eq!(Lang::negotiate(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::negotiate(None, Some("fr-FR, en;q=0.5, zh;q=0.9")), Lang::Zh);
        assert_eq!(Lang::negotiate(None, Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), None), Lang::En);
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, zh) in TEXT {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!en.is_empty() && !zh.is_empty(), "{k} lacks a translation");
        }
        assert_eq!(t(Lang::Zh, "login.title"), "登录");
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    }
}
