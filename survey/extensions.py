"""Flask extensions, created once and bound to the app in :func:`survey.create_app`."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()  # pages travel compressed: participants are often on weak connections
login_manager = LoginManager()
# Counters live in memory by default, in Redis or memcached with SURVEY_RATELIMIT_STORAGE_URI
# (one store shared by every worker); addresses are only ever kept there, for a minute or so.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
