from auditor.privacy import mask_id, mask_name


def test_mask_personal_name_keeps_surname_only():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("上海某某餐饮有限公司") == "上海某某餐饮有限公司"


def test_mask_id_keeps_last_four():
    assert mask_id("110101199003074578") == "**************4578"
    assert mask_id("91310000MA1K4ABC1X", organisation=True) == "91310000MA1K4ABC1X"
    assert mask_id("91310000MA1K4ABC1X") == "**************BC1X"
    assert mask_id(None) is None


def test_reports_mask_every_personal_fact_the_catalogue_names():
    # Reports decide "personal" from the same field catalogue as findings and explain: derived facts too.
    from auditor.model.fact_fields import case_fact_fields
    from auditor.report.common import mask_value

    personal = {name for name, f in case_fact_fields().items() if f.personal}
    assert {"party_name", "party_id", "pub_party_name", "pub_party_id"} <= personal
    assert mask_value("pub_party_id", "110101199003074578") == "**************4578"
    assert mask_value("pub_party_name", "张三") == "张*"
    assert mask_value("party_id", "91310000MA1K4ABC1X", organisation=True) == "91310000MA1K4ABC1X"
    assert mask_value("officer_names", "张三") == "张三"  # officers act in office: not masked


def test_an_organisation_is_any_party_but_a_natural_person():
    from auditor.privacy import is_organisation

    assert is_organisation("法人") and is_organisation("个体工商户")
    assert not is_organisation("自然人") and not is_organisation(None) and not is_organisation(float("nan"))
