"""The catalogue of facts a rule can read: the canonical fields plus every derived one (name, 中文, kind).

enrich/derive.py and enrich/derive_law.py compute the derived fields declared here; the rule loader,
the rule catalogue and reports read the declarations without computing anything.
"""

from __future__ import annotations

from auditor.model.fields import CASE_FIELDS, RECORDING_FIELDS, STAGES, Field

DERIVED_CASE_FIELDS: tuple[Field, ...] = (
    Field("officer_count", "承办人员人数", "int"),
    Field("officer_cert_count", "持执法证号的承办人员人数", "int"),
    Field("officer_unnamed_count", "只记载执法证号、未记载姓名的承办人员人数", "int"),
    Field("officer_names", "承办人员姓名", "list", doc="the names written; partial where an officer is written by number only"),
    Field("reviewer_is_officer", "法制审核人员为本案承办人员", "bool",
          doc="by name or certificate number; unknown where the two are written so that they cannot be compared"),
    Field("party_id_kind", "证件类型（推断）", "enum", choices=("身份证", "统一社会信用代码", "其他")),
    Field("party_id_valid", "证件号码校验位正确", "bool"),
    Field("warning_only", "仅警告或通报批评", "bool"),
    Field("is_open", "案件未办结", "bool"),
    Field("limitation_from", "追责时效起算日", "date", doc="violation_end_date, else violation_date"),
    Field("enforcement_from", "强制执行申请期起算日", "date", doc="deferral_until, else service_date"),
    Field("served_on_spot", "当场送达", "bool"),
    Field("approved_extension_days", "经批准的延期天数", "int", doc="extension_days when an approver is recorded"),
    Field("rec_count", "全过程记录条数", "int"),
    Field("rec_stages", "有记录的执法环节", "enum_list", choices=STAGES),
    Field("rec_av_stages", "有音视频记录的执法环节", "enum_list", choices=STAGES),
    Field("pub_count", "公示记录条数", "int"),
    Field("pub_party_name", "公示的行政相对人名称", "str", personal=True),
    Field("pub_party_id", "公示的证件号码", "str", personal=True),
    Field("pub_fine_yuan", "公示罚款金额（折合元）", "decimal"),
    Field("pub_confiscation_yuan", "公示没收金额（折合元）", "decimal"),
    Field("pub_decision_date", "公示的处罚决定日期", "date"),
    Field("pub_disclosure_date", "公示平台公示日期", "date"),
    Field("pub_withdrawn_date", "公示平台撤回日期", "date"),
    Field("pub_missing_fields", "公示记录缺少的必填项", "list"),
    Field("pub_name_unmasked", "公示了自然人完整姓名", "bool"),
    Field("pub_id_unmasked", "公示了完整身份证号码", "bool"),
    Field("pub_decision_no", "公示的行政处罚决定书文号", "str"),
    Field("pub_matched_by", "公示记录匹配方式", "enum", choices=("文号", "当事人及决定日期"),
          doc="by decision number, else (no number match) by party code and decision date"),
    Field("pub_fine_diff_yuan", "公示罚款与决定书罚款之差（元）", "decimal"),
    Field("pub_party_name_ok", "公示的相对人名称与案卷一致", "bool", doc="masked names compared masked"),
    Field("pub_party_id_ok", "公示的证件号码与案卷一致", "bool", doc="masked numbers compared masked"),
    Field("disclosed_on", "公示日期（以公示平台为准）", "date", doc="pub_disclosure_date, else disclosure_date"),
    Field("withdrawn_on", "公示撤回日期（以公示平台为准）", "date",
          doc="pub_withdrawn_date, else disclosure_withdrawn_date"),
    Field("cause_known", "案由编码在案由库中", "bool"),
    Field("discretion_min", "裁量基准罚款下限（元）", "decimal"),
    Field("discretion_max", "裁量基准罚款上限（元）", "decimal"),
    Field("party_id_shape", "证件号码形态（按号码本身判断）", "enum", choices=("身份证", "统一社会信用代码", "其他"),
          doc="身份证: 18 digits, province code, real birth date; 统一社会信用代码: GB 32100 alphabet; else 其他"),
    Field("party_id_shape_valid", "证件号码按其形态校验位正确", "bool"),
    Field("termination_reason_listed", "终止调查理由属于法定理由", "bool",
          doc="the reason contains one of the termination_grounds phrases (punctuation and spaces ignored)"),
    Field("execution_done_date", "执行完毕日期（无则为缴款日期）", "date"),
    Field("excluded_days", "不计入办案期限天数（无则为 0）", "int"),
    Field("overdue_payment_days", "逾期缴款天数", "int",
          doc="payment_date − (enforcement_from + payment_days), calendar days, not rolled over (lenient)"),
    Field("surcharge_cap", "加处罚款上限（元）", "decimal",
          doc="min(fine × surcharge_daily_rate × overdue_payment_days, fine)"),
    Field("date_order_errors", "日期先后矛盾", "list", doc="pairs of dates in the wrong order, described in 中文"),
)

DERIVED_RECORDING_FIELDS: tuple[Field, ...] = (
    Field("officer_count", "执法人员人数", "int"),
    Field("squad", "承办中队", "str"),
    Field("case_status", "案件状态", "enum", choices=next(f.choices for f in CASE_FIELDS if f.name == "status")),
    Field("recorded_on", "记录日期", "date", doc="the day of recorded_at"),
    Field("case_start_date", "案件发现（立案）日期", "date", doc="the case's discovery_date, else filing_date"),
    Field("case_closure_date", "案件结案日期", "date"),
    Field("case_officer_count", "记录中属于本案承办人员的人数", "int",
          doc="recording officers whose name or certificate number is among the case's officers"),
    Field("case_officer_uncertain", "记录中无法与本案承办人员比对的执法人员人数", "int",
          doc="recording officers written by name only where a case officer is written by number only, or the other way round"),
)

LAW_CASE_FIELDS = (
    Field("lawsuit_end_date", "当事人起诉期届满日", "date",
          doc="service_date + lawsuit_months; a rest day rolls over to the next working day"),
    Field("court_window_from", "申请法院强制执行期起算日", "date",
          doc="the later of lawsuit_end_date and deferral_until (行政处罚法 72 ¶2)"),
    Field("illegal_building", "违法建筑案件", "bool",
          doc="cause_code in illegal_building_cause_codes, or a cause naming 违法建筑 / 搭建"),
    Field("service_act_date", "送达行为日期", "date",
          doc="service_date; for 公告送达 the publication date, service_date − public_notice_deemed_days"),
)


def case_fact_fields() -> dict[str, Field]:
    return {f.name: f for f in (*CASE_FIELDS, *DERIVED_CASE_FIELDS, *LAW_CASE_FIELDS)}


def recording_fact_fields() -> dict[str, Field]:
    return {f.name: f for f in (*RECORDING_FIELDS, *DERIVED_RECORDING_FIELDS)}
