"""The canonical tables: every field once, with its Chinese label, kind and constraints.

Everything else (readers, XSD checks, evaluators, reports, docs/schema.md) reads these definitions;
no other module spells out a column list. Field names are stable once released.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "date", "datetime", "bool", "int", "decimal", "enum", "list", "enum_list"]

# What an empty cell in a *supplied* column means (a column or table the export does not have at all is
# always unknown): "not_done" — the act did not happen (the date of an act, a document's existence);
# "unrecorded" — the export simply does not say (a method, an approver, an identifier, a yes/no answer).
EMPTY_MEANINGS = ("not_done", "unrecorded")
EMPTY_ZH = {"not_done": "为空表示未发生", "unrecorded": "为空表示未记载"}


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other labels real exports use
    personal: bool = False  # masked in reports unless asked
    doc: str = ""
    empty: str = ""  # EMPTY_MEANINGS; "" = the kind's default (dates of acts: not_done, else unrecorded)

    @property
    def empty_means(self) -> str:
        if self.empty:
            return self.empty
        return "not_done" if self.kind in ("date", "datetime") else "unrecorded"

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.name, self.zh, *self.aliases)


SOURCES = ("投诉举报", "巡查发现", "上级交办", "部门移送", "信访", "其他")
PROCEDURES = ("简易程序", "普通程序")
PARTY_TYPES = ("自然人", "法人", "其他组织", "个体工商户")
REVIEW_RESULTS = ("同意", "不同意", "修改后同意")
DECISION_TYPES = (
    "警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级",
    "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "不予处罚", "强制拆除",
)
SERVICE_METHODS = ("直接送达", "留置送达", "邮寄送达", "委托送达", "公告送达", "电子送达")
STATUSES = ("已立案", "调查中", "待审核", "已决定", "执行中", "已结案", "已终止", "已撤销")
OPEN_STATUSES = ("已立案", "调查中", "待审核", "已决定", "执行中")
STAGES = ("现场检查", "调查取证", "询问", "送达", "听证", "查封扣押", "强制拆除", "其他")
MEDIA = ("视频", "音频", "照片", "文字")

CASE_FIELDS: tuple[Field, ...] = (
    Field("case_id", "案件编号", "str", required=True),
    Field("squad", "承办中队", "str", required=True, aliases=("执法队", "承办中队 / 执法队", "办案单位")),
    Field("district", "区", "str", aliases=("所属区",)),
    Field("officers", "承办人员（执法证号）", "list", aliases=("承办人员", "执法人员"),
          doc="entries separated by 、 , or ;: name(certificate no.), a name, or a bare certificate no. "
              "(31010012 31010034, 执法证号31010012: one officer each, name not recorded; model/officers.py)"),
    Field("source", "案件来源", "enum", choices=SOURCES),
    Field("procedure", "程序类型", "enum", choices=PROCEDURES),
    Field("cause", "案由", "str"),
    Field("cause_code", "案由编码", "str"),
    Field("party_type", "当事人类型", "enum", choices=PARTY_TYPES),
    Field("party_name", "当事人名称", "str", personal=True, aliases=("当事人",)),
    Field("party_id", "证件号码 / 统一社会信用代码", "str", personal=True,
          aliases=("证件号码", "统一社会信用代码", "当事人证件号码")),
    Field("violation_date", "违法行为发生日期", "date", empty="unrecorded"),
    Field("violation_end_date", "违法行为终了日期", "date", doc="continuing violations: limitation runs from here"),
    Field("serious_harm", "涉及生命健康或金融安全且有危害后果", "bool", doc="limitation 5 years instead of 2"),
    Field("discovery_date", "发现 / 受理日期", "date", empty="unrecorded",
          aliases=("发现日期", "受理日期", "发现/受理日期")),
    Field("filing_date", "立案日期", "date"),
    Field("filing_approver", "立案审批人", "str"),
    Field("investigation_end_date", "调查终结日期", "date"),
    Field("seizure_date", "查封扣押日期", "date", doc="a 查封扣押 measure was taken"),
    Field("notice_date", "行政处罚告知书送达日期", "date", aliases=("告知书送达日期",)),
    Field("rights_waived", "当事人放弃陈述申辩及听证", "bool", empty="not_done"),
    Field("hearing_requested", "是否申请听证", "bool", empty="not_done"),
    Field("hearing_request_date", "听证申请日期", "date"),
    Field("hearing_notice_date", "听证通知送达日期", "date"),
    Field("hearing_date", "听证日期", "date"),
    Field("reduced_penalty", "减轻处罚", "bool", empty="not_done"),
    Field("legal_review_date", "法制审核日期", "date"),
    Field("legal_reviewer", "法制审核人员", "str"),
    Field("legal_reviewer_qualified", "审核人员具有法律职业资格", "bool"),
    Field("legal_review_opinion", "法制审核意见", "str"),
    Field("legal_review_result", "审核结论", "enum", choices=REVIEW_RESULTS),
    Field("re_review_date", "再次法制审核日期", "date", doc="review after a 不同意 result"),
    Field("collective_discussion_date", "集体讨论日期", "date"),
    Field("decision_date", "处罚决定日期", "date"),
    Field("decision_no", "处罚决定书文号", "str", aliases=("决定书文号", "行政处罚决定书文号")),
    Field("decision_type", "处罚种类", "enum_list", choices=DECISION_TYPES),
    Field("fine_amount", "罚款金额（元）", "decimal", empty="not_done", aliases=("罚款金额",)),
    Field("confiscation_amount", "没收金额（元）", "decimal", empty="not_done", aliases=("没收金额",)),
    Field("service_date", "决定书送达日期", "date", aliases=("送达日期",)),
    Field("service_method", "送达方式", "enum", choices=SERVICE_METHODS),
    Field("e_service_consent", "电子送达确认书", "bool", empty="not_done"),
    Field("disclosure_date", "公示日期", "date"),
    Field("disclosure_withdrawn_date", "公示撤回日期", "date"),
    Field("payment_date", "缴款日期", "date"),
    Field("paid_amount", "实缴金额（元）", "decimal", empty="not_done", aliases=("实缴金额",)),
    Field("surcharge_amount", "加处罚款金额（元）", "decimal", empty="not_done", aliases=("加处罚款金额",)),
    Field("deferral_until", "延期（分期）缴纳截止日期", "date", doc="approved deferral; enforcement runs from its end"),
    Field("appeal_filed", "已申请复议或提起诉讼", "bool", empty="not_done"),
    Field("demand_notice_date", "催告书送达日期", "date"),
    Field("enforcement_application_date", "申请法院强制执行日期", "date"),
    Field("execution_end_date", "执行完毕日期", "date", doc="last act of execution"),
    Field("extension_days", "延期天数", "int", empty="not_done"),
    Field("extension_approver", "延期审批人", "str"),
    Field("suspended_days", "不计入办案期限天数", "int", empty="not_done"),
    Field("termination_date", "终止调查日期", "date"),
    Field("termination_reason", "终止调查理由", "str"),
    Field("termination_approver", "终止调查审批人", "str"),
    Field("revocation_date", "撤销处罚决定日期", "date"),
    Field("revocation_reason", "撤销理由", "str"),
    Field("revocation_approver", "撤销审批人", "str"),
    Field("closure_date", "结案日期", "date"),
    Field("status", "案件状态", "enum", choices=STATUSES),
)

RECORDING_FIELDS: tuple[Field, ...] = (
    Field("case_id", "案件编号", "str", required=True),
    Field("recording_id", "记录编号", "str", doc="unique within the case; line number when absent"),
    Field("stage", "执法环节", "enum", required=True, choices=STAGES),
    Field("media", "记录形式", "enum", choices=MEDIA),
    Field("recorded_at", "记录时间", "datetime", empty="unrecorded"),
    Field("duration_s", "时长（秒）", "int", aliases=("时长",)),
    Field("officers", "执法人员", "list", doc="as the case's officers: name(certificate no.), a name or a bare number"),
    Field("file_ref", "文件编号 / 存储位置", "str", empty="not_done", aliases=("文件编号", "存储位置")),
    Field("uploaded_at", "上传归档时间", "datetime"),
    Field("retention_until", "保存期限至", "date", empty="unrecorded"),
)

DISCLOSURE_FIELDS: tuple[Field, ...] = (
    Field("party_name", "行政相对人名称", "str", empty="not_done", personal=True),
    Field("party_category", "行政相对人类别", "str", empty="not_done"),
    Field("credit_code", "统一社会信用代码", "str", empty="not_done", aliases=("行政相对人代码_1",)),
    Field("party_id", "证件号码", "str", empty="not_done", personal=True),
    Field("legal_rep", "法定代表人", "str", empty="not_done", personal=True),
    Field("decision_no", "行政处罚决定书文号", "str", empty="not_done", required=True),
    Field("violation_type", "违法行为类型", "str", empty="not_done"),
    Field("violation_facts", "违法事实", "str", empty="not_done"),
    Field("penalty_basis", "处罚依据", "str", empty="not_done"),
    Field("penalty_category", "处罚类别", "str", empty="not_done"),
    Field("penalty_content", "处罚内容", "str", empty="not_done"),
    Field("fine_amount_wan", "罚款金额（万元）", "decimal", empty="not_done"),
    Field("confiscation_amount_wan", "没收违法所得、没收非法财物的金额（万元）", "decimal", empty="not_done"),
    Field("decision_date", "处罚决定日期", "date", empty="not_done"),
    Field("validity_until", "处罚有效期", "date", empty="not_done"),
    Field("disclosure_date", "公示日期", "date", empty="not_done"),
    Field("disclosure_until", "公示截止期", "date", empty="not_done"),
    Field("withdrawn_date", "撤回日期", "date", empty="not_done"),
    Field("authority", "处罚机关", "str", empty="not_done"),
    Field("authority_code", "处罚机关统一社会信用代码", "str", empty="not_done"),
    Field("data_source", "数据来源单位", "str", empty="not_done"),
    Field("data_source_code", "数据来源单位统一社会信用代码", "str", empty="not_done"),
    Field("note", "备注", "str", empty="not_done"),
)

TABLES: dict[str, tuple[Field, ...]] = {
    "cases": CASE_FIELDS,
    "recordings": RECORDING_FIELDS,
    "disclosures": DISCLOSURE_FIELDS,
}
TABLE_ZH = {"cases": "案件", "recordings": "全过程记录", "disclosures": "公示信息"}


_INDEX = {t: {f.name: f for f in fs} for t, fs in TABLES.items()}


def field_of(table: str, name: str) -> Field:
    return _INDEX[table][name]


def names(table: str) -> tuple[str, ...]:
    return tuple(f.name for f in TABLES[table])
