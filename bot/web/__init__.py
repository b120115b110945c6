"""The planning officer's web pages (docs/PRODUCT.md 3.8), one blueprint per area, nested in
the site's blueprint `web` (bot/web/site.py), which the app registers.

Routes (endpoint: web.<area>.<view>):
  GET  /                                   signin.landing: how to sign in (from LINE)
  GET  /login/<org>/<token>                signin.login: one-time link from `เข้าสู่ระบบ`
  POST /admin/<org>/logout                 signin.logout
  GET  /admin/<org>/                       progress.page: measures × divisions, who is behind
  GET  /admin/<org>/history                history.page: every change, filters in GET parameters
  GET  /admin/<org>/memo[/<n>]             memo.index, memo.version: versions, chains, files
  GET  /admin/<org>/people                 people.page: people, open invite codes
  POST /admin/<org>/people/invite|revoke|remove   admin only, CSRF-checked
  GET  /admin/<org>/export/<status|history>.<csv|xlsx>   exports.download
  GET  /admin/<org>/evidence/<measure>/<division>  evidence.cell: a cell's evidence
  POST /admin/<org>/evidence/<measure>/<division>/remove|upload   admin only, CSRF-checked
  GET  /admin/<org>/evidence/file/<item>[?thumb=1] evidence.file: an item's file, signed in
  GET  /admin/<org>/export/evidence.zip    evidence.export: the ITA evidence ZIP
  GET  /supervisor/login/<token>           supervisor.login: one-time link from `itabot supervisor link`
  GET  /supervisor/[export.<csv|xlsx>]     supervisor.overview, .export: the group's organisations
  POST /supervisor/logout                  supervisor.logout
  GET  /web-static/…, /web-font/…          the site's own static files and font
"""

from bot.web import evidence, exports, history, memo, people, progress, signin, supervisor
from bot.web.site import bp

for _area in (signin, progress, history, memo, people, exports, supervisor, evidence):
    bp.register_blueprint(_area.bp)

__all__ = ["bp"]
