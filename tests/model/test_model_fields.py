from auditor.model import fields


def test_every_table_has_unique_names_and_labels():
    for table, fs in fields.TABLES.items():
        names = [f.name for f in fs]
        assert len(names) == len(set(names)), table
        labels = [label for f in fs for label in f.labels]
        assert len(labels) == len(set(labels)), f"{table}: a label maps to two fields"


def test_contract_fields_present():
    # The fields DATA_CONTRACT.md names are all there, with their Chinese labels.
    case = {f.name: f for f in fields.CASE_FIELDS}
    assert case["case_id"].required and case["squad"].required
    assert case["decision_type"].kind == "enum_list"
    assert "强制拆除" in case["decision_type"].choices
    assert case["fine_amount"].zh == "罚款金额（元）"
    assert "办案单位" in case["squad"].aliases
    assert fields.field_of("disclosures", "fine_amount_wan").zh == "罚款金额（万元）"
