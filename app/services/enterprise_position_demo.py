"""Enterprise positions in the demo data (`flask seed-demo`, services/demo.py): the three enterprises at the sites
their hazards were registered around, the smaller firms near their township's, set by the administrator through
the register's rule (audited like a form's save) before the visits, so the demo's check-ins measure from the
enterprises' own positions. One firm, 城关建材商行, is left unplaced: the map lists it under 未标注位置的企业."""
from ..models import Enterprise
from . import user_admin

# the smaller firms of demo.SMALL_ENTERPRISES by name: (latitude, longitude), WGS-84
SMALL_SITES = {"滨江包装材料厂": (35.5058, 113.8392), "滨江五金加工部": (35.4979, 113.826),
               "城关木业有限公司": (35.4671, 113.7948), "南湖粮油加工厂": (35.4152, 113.7601),
               "南湖纺织有限公司": (35.4063, 113.7459)}


def seed(uow, admin, enterprises, sites):
    """`sites`: the positions of `enterprises` (the three main ones), in order."""
    for enterprise, (latitude, longitude) in zip(enterprises, sites):
        user_admin.update_enterprise(uow, admin, enterprise.id, latitude=latitude, longitude=longitude)
    for enterprise in uow.session.query(Enterprise).filter(Enterprise.name.in_(list(SMALL_SITES))):
        latitude, longitude = SMALL_SITES[enterprise.name]
        user_admin.update_enterprise(uow, admin, enterprise.id, latitude=latitude, longitude=longitude)
