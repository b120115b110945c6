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
  GET  /admin/<org>/plan/files[/<name>]  plan_files.page, .download: the plan as Excel/YAML
  POST /admin/<org>/plan/files             plan_files.upload: admin only, replaces the plan
  POST /admin/<org>/invites/sheet          invites.sheet: admin only, the A4 PDF of one QR per division
  GET  /supervisor/login/<token>           supervisor.login: one-time link from `itabot supervisor link`
  GET  /supervisor/[export.<csv|xlsx>]     supervisor.overview, .export: the group's organisations
  POST /supervisor/logout                  supervisor.logout
  GET  /web-static/…, /web-font/…          the site's own static files and font
"""

from bot.web import exports, history, memo, people, progress, signin, supervisor
from bot.web.invites import bp as invites_bp
from bot.web.plan_files import bp as plan_files_bp
from bot.web.site import bp

for _area in (signin, progress, history, memo, people, exports, supervisor):
    bp.register_blueprint(_area.bp)
bp.register_blueprint(plan_files_bp)
bp.register_blueprint(invites_bp)

__all__ = ["bp"]
