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
