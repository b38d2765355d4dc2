"""`auditor serve` (the board in the browser) and `auditor users` (its local accounts)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli import main
from auditor.errors import UsageError

HISTORY_HELP = "历史库文件（auditor audit --history 写入）"


@main.command("serve")
@click.option("--history", "db", required=True, type=click.Path(dir_okay=False, path_type=Path), help=HISTORY_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。默认只允许本机访问；局域网访问请指定本机内网地址（如 10.1.2.3）或 0.0.0.0。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--exports", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="导出根目录：监督用户可在网页上选择其下的子目录发起审计。")
@click.option("--rules", type=click.Path(exists=True, path_type=Path), help="规则包目录（默认内置规则包）。")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="区参数配置（YAML）。")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), help="HTTPS 证书（PEM）；与 --keyfile 一起使用。")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), help="HTTPS 私钥（PEM）。")
def serve_command(db, host, port, exports, rules, profile, certfile, keyfile):
    """在浏览器中打开挂图作战看板：监督科看全区，各中队只看、只改本中队的整改事项。

    示例:

    \b
        auditor users add 王科长 --role 监督 --history auditor-history.sqlite
        auditor serve --history auditor-history.sqlite
    """
    import uvicorn

    from auditor.history.store import open_store
    from auditor.serve import ServeConfig, create_app

    if bool(certfile) != bool(keyfile):
        raise UsageError("--certfile 和 --keyfile 需要一起指定")
    with open_store(db, create=False) as conn:
        users = conn.execute("SELECT COUNT(*) FROM users WHERE disabled = 0").fetchone()[0]
    if not users:
        raise UsageError(f"历史库 {db} 中还没有用户：先用 auditor users add NAME --role 监督 --history {db} 创建")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(ServeConfig(db_path=db, exports_root=exports.resolve() if exports else None, rules=rules,
                                 profile=profile,
                                 allowed_hosts=("127.0.0.1", "localhost", "::1", "[::1]") if loopback else None))
    scheme = "https" if certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"挂图作战看板：{scheme}://{shown}:{port}/  （历史库 {db}）")
    if loopback:
        click.echo(f"只监听本机地址 {host}：其他电脑无法访问。局域网使用请加 --host 本机内网地址。")
    else:
        click.echo(f"监听 {host}：同一网络中的其他电脑可以访问。" + ("" if certfile else "未启用 HTTPS（--certfile/--keyfile）。"))
    uvicorn.run(app, host=host, port=port, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile,
                proxy_headers=False, server_header=False)


@main.group("users")
def users() -> None:
    """管理看板用户（监督 / 中队 / 领导）。密码只以 argon2id 散列保存。

    示例:

    \b
        auditor users add 王科长 --role 监督 --history auditor-history.sqlite
        auditor users add 张队长 --role 中队 --squad 石门二路街道综合行政执法队 --history auditor-history.sqlite
    """


history_option = click.option("--history", "db", required=True, type=click.Path(dir_okay=False, path_type=Path),
                              help=HISTORY_HELP)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["监督", "中队", "领导"]), help="监督：全区可改；中队：只看只改本中队；领导：全区只读。")
@click.option("--squad", help="中队用户所属中队（与审计结果中的中队名称一致）。")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行），用于脚本。")
@history_option
def add_cmd(db: Path, name: str, role: str, squad: str | None, password_stdin: bool) -> None:
    """新建用户。

    示例:

    \b
        auditor users add 张队长 --role 中队 --squad 石门二路街道综合行政执法队 --history auditor-history.sqlite
    """
    from auditor.history.store import open_store, transaction
    from auditor.serve.accounts import add_user

    password = _password(password_stdin)
    with open_store(db, create=False) as conn, transaction(conn):
        if squad and role == "中队":
            known = conn.execute("SELECT 1 FROM run_squads WHERE squad = ? UNION SELECT 1 FROM items WHERE squad = ?",
                                 (squad, squad)).fetchone()
            if not known:
                click.echo(f"注意：历史库中还没有中队 {squad} 的审计记录，请核对名称。", err=True)
        user = add_user(conn, name, role, password, squad)
    click.echo(f"已创建用户 {user.name}（{user.role}{'，' + user.squad if user.squad else ''}）")


@users.command("list")
@history_option
def list_cmd(db: Path) -> None:
    """列出用户、角色、所属中队和锁定状态。

    示例:

    \b
        auditor users list --history auditor-history.sqlite
    """
    from auditor.history.store import open_store
    from auditor.history.text import table
    from auditor.serve.accounts import list_users

    with open_store(db, create=False) as conn:
        rows = list_users(conn)
    click.echo(table(["用户", "角色", "中队", "停用", "连续失败", "锁定至(UTC)"],
                     [[r["name"], r["role"], r["squad"] or "", "是" if r["disabled"] else "", r["failed_logins"],
                       r["locked_until"] or ""] for r in rows]))


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（一行）。")
@history_option
def passwd_cmd(db: Path, name: str, password_stdin: bool) -> None:
    """重设密码（同时解除锁定并结束该用户的所有登录）。

    示例:

    \b
        auditor users passwd 王科长 --history auditor-history.sqlite
    """
    from auditor.history.store import open_store, transaction
    from auditor.serve.accounts import set_password

    password = _password(password_stdin)
    with open_store(db, create=False) as conn, transaction(conn):
        set_password(conn, name, password)
    click.echo(f"已重设 {name} 的密码")


@users.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="重新启用。")
@history_option
def disable_cmd(db: Path, name: str, enable: bool) -> None:
    """停用（或用 --enable 重新启用）用户；停用立即结束其登录。

    示例:

    \b
        auditor users disable 王科长 --enable --history auditor-history.sqlite
    """
    from auditor.history.store import open_store, transaction
    from auditor.serve.accounts import set_disabled

    with open_store(db, create=False) as conn, transaction(conn):
        set_disabled(conn, name, not enable)
    click.echo(f"已{'启用' if enable else '停用'}用户 {name}")
