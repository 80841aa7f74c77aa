"""The participant blueprint object, apart from its views so that helpers registering hooks
on it never import the views."""

from flask import Blueprint

bp = Blueprint("participate", __name__, template_folder="templates")
