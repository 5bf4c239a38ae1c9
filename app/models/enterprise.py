from ..extensions import db

# 企业规模: the statistical split the seed's service scope is written in (seed 001 §五 "100家规下企业", the
# 规模以下工贸企业 of 冀应急工贸〔2019〕145号), with micro firms apart because the service treats workshops and
# 个体工商户 differently from a 规下 factory. 规上 (规模以上): industrial firms with annual main-business revenue of
# 20 million yuan or more (国家统计局; trade and services have their own thresholds); 规下: below that; 微型: fewer than
# 20 employees or revenue under 3 million yuan (工信部联企业〔2011〕300号, industry). "" — not given yet.
ENTERPRISE_SCALES = {
    "above": ("规上", "Above designated size"),
    "below": ("规下", "Below designated size"),
    "micro": ("微型", "Micro"),
}
# 企业风险标签: the kinds of enterprise the tender puts on the key inspection list (seed 000 lines 245, 247, 275:
# 涉氨制冷、粉尘涉爆、有限空间作业场所; 重大危险源、人员密集场所、特种设备使用单位; "两重点一重大" 必须全覆盖). Set by hand on the
# register (form, import); an enterprise has any number of them. The order is the pages'.
ENTERPRISE_TAGS = {
    "two_key_one_major": ("两重点一重大", "Two key points and one major"),
    "ammonia_refrigeration": ("涉氨制冷", "Ammonia refrigeration"),
    "combustible_dust": ("粉尘涉爆", "Combustible dust"),
    "confined_space": ("有限空间作业", "Confined-space work"),
    "crowded_place": ("人员密集场所", "Crowded place"),
    "special_equipment": ("特种设备使用单位", "Special equipment user"),
    "hazardous_chemicals": ("危险化学品", "Hazardous chemicals"),
    "hazardous_process": ("重点监管危险化工工艺", "Key supervised hazardous chemical process"),
}


# The position's rule, also a CHECK: WGS-84 degrees (what GPS, the browser and 天地图 give), both or neither.
POSITION_RULE = ("(latitude IS NULL AND longitude IS NULL) OR (latitude IS NOT NULL AND longitude IS NOT NULL "
                 "AND latitude >= -90 AND latitude <= 90 AND longitude >= -180 AND longitude <= 180)")


class Enterprise(db.Model):
    __tablename__ = "enterprise"
    __table_args__ = (db.CheckConstraint(POSITION_RULE, name="position"),)
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    credit_code = db.Column(db.String(18), nullable=False, unique=True)  # 统一社会信用代码
    address = db.Column(db.String(300), nullable=False, default="")
    township = db.Column(db.String(100), nullable=False, default="")  # 乡镇/园区
    industry = db.Column(db.String(100), nullable=False, default="")
    main_products = db.Column(db.String(300), nullable=False, default="")
    employees = db.Column(db.Integer, nullable=False, default=0)
    safety_managers = db.Column(db.Integer, nullable=False, default=0)
    special_workers = db.Column(db.Integer, nullable=False, default=0)  # 特种作业人员
    main_risks = db.Column(db.Text, nullable=False, default="")
    major_hazard_sources = db.Column(db.Text, nullable=False, default="")  # 重大危险源
    contact_person = db.Column(db.String(64), nullable=False, default="")
    contact_phone = db.Column(db.String(32), nullable=False, default="")
    # 新投产、改扩建项目试运行期至: under priority inspection until then (seed 000, 重点监管企业的选取标准 4)
    trial_operation_until = db.Column(db.Date)
    scale = db.Column(db.String(16), nullable=False, default="", server_default="", index=True)  # ENTERPRISE_SCALES
    # 企业位置 (重点监管点位 on the map, the check-in's reference point): WGS-84 degrees to 6 decimals (about 0.1 m),
    # exact NUMERIC so a value reads back as typed; read as float. None: not placed yet (services/enterprise_positions.py).
    latitude = db.Column(db.Numeric(9, 6, asdecimal=False))
    longitude = db.Column(db.Numeric(9, 6, asdecimal=False))

    # the risk tags, one row each (EnterpriseTag): a join table rather than a JSON list, so "enterprises with the
    # tag X" is the same indexed IN (SELECT …) on SQLite and PostgreSQL
    tag_rows = db.relationship("EnterpriseTag", cascade="all, delete-orphan")

    @property
    def tags(self):
        """The tag codes, in ENTERPRISE_TAGS' order."""
        order = list(ENTERPRISE_TAGS)
        return sorted((row.tag for row in self.tag_rows), key=lambda t: order.index(t) if t in order else len(order))

    @tags.setter
    def tags(self, codes):
        """Keep the rows of `codes`: those no longer wanted deleted, new ones added (never delete-and-insert one
        key in a flush)."""
        wanted = set(codes or ())
        for row in [r for r in self.tag_rows if r.tag not in wanted]:
            self.tag_rows.remove(row)
        have = {row.tag for row in self.tag_rows}
        self.tag_rows.extend(EnterpriseTag(tag=code) for code in sorted(wanted - have))

    def __repr__(self):
        return f"<Enterprise {self.name}>"


class EnterpriseTag(db.Model):
    """One risk tag (a key of ENTERPRISE_TAGS) of one enterprise."""
    __tablename__ = "enterprise_tag"
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), primary_key=True)
    tag = db.Column(db.String(32), primary_key=True, index=True)
