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


class Enterprise(db.Model):
    __tablename__ = "enterprise"
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

    def __repr__(self):
        return f"<Enterprise {self.name}>"
