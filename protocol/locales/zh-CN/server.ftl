# canvass-server 命令行的用语:备份与恢复。

## 备份或恢复后的数据库里有什么
server-contents-from = 来自数据库 { $database }
server-contents-schema = 数据库结构版本:{ $version }
server-contents-counts = 单位:{ $units }  问卷:{ $surveys }  答卷:{ $answers }  测评轮次:{ $rounds }  电子选票:{ $ballots }

## 完成
server-backup-written = 备份已写入:{ $file }({ $size })
server-backup-protect = 备份里有全部答卷和选票、账号以及服务器的密钥:请像保管数据库一样妥善保管。
server-restore-done = 已用 { $file } 恢复数据库 { $database }({ $size })
server-restore-kept = 被替换的数据库已保留为 { $kept }
server-restore-not-kept = 被替换的数据库已删除(--no-keep)。
server-restore-next = 启动 canvass-server 即可使用。备份之后写入的内容不在其中。

## 拒绝执行:没有改动任何文件
server-backup-no-database = { $path } 处没有数据库,未写入任何文件。请检查 database_url(CANVASS_DATABASE_URL)和当前工作目录。
server-restore-no-file = 没有文件 { $path },未作任何改动。
server-backup-is-directory = { $path } 是一个目录,未写入任何文件。请给出要写入的备份文件名。
server-backup-exists = { $path } 已存在,未写入任何文件。如要覆盖请加 --force,或换一个文件名。
server-same-file = { $path } 就是所配置的数据库本身,未作任何改动。
server-not-a-database = { $path } 不是 SQLite 数据库,未作任何改动。
server-not-canvass = { $path } 是 SQLite 数据库,但不是 canvass 的数据库(没有 canvass 的迁移记录),未作任何改动。
server-corrupt = { $path } 已损坏(SQLite 完整性检查:{ $problem }),未作任何改动。请换用其他备份。
server-restore-older-schema = { $path } 的数据库结构版本是 { $file },比本 canvass-server 的 { $binary } 旧,未作任何改动。请用生成该备份的 canvass-server 版本恢复,再启动本版本,它会把数据库升级到最新结构。
server-restore-newer-schema = { $path } 的数据库结构版本是 { $file },比本 canvass-server 的 { $binary } 新,未作任何改动。请用生成该备份的 canvass-server 版本或更新的版本恢复。
server-restore-in-use = { $path } 正在使用中:有 canvass-server(或其他程序)打开了它,未作任何改动。请先停止服务器,再重新恢复。
server-restore-live-copy = 要恢复的文件旁边有 { $log }:这是正在使用的数据库的副本,不是备份,缺少该日志里的内容,未作任何改动。请用 canvass-server backup 制作备份。
server-restore-loose-log = { $log } 是以前的数据库留下的,会混入恢复后的数据库,未作任何改动。请把它移走,再重新恢复。
server-io-failed = { $path }:{ $reason },未作任何改动。
server-sqlite-failed = SQLite 处理 { $path } 时出错:{ $reason },未作任何改动。

## PostgreSQL
server-backup-postgres = 数据库是 PostgreSQL:请用 pg_dump 备份,它能在服务器运行时得到一致的副本。未写入任何文件。适用于所配置数据库的命令:
server-restore-postgres = 数据库是 PostgreSQL:请在停止该数据库上所有 canvass-server 之后,用 pg_restore 恢复 pg_dump 备份。未作任何改动。适用于所配置数据库的命令:
server-postgres-password = 命令中不显示密码:pg_dump 和 pg_restore 会从 PGPASSWORD 或 ~/.pgpass 读取。详见 docs/deployment.md。

## Audit log
server-audit-holds = 审计日志完好:共 { $entries } 条,每条都与前一条相连。链头:{ $head }
server-audit-broken = 审计日志被改动过:第 { $entry } 条不成立({ $why })。此前的各条完好。
server-audit-why-moved = 它之前缺了一条,或它被挪动过
server-audit-why-link = 它没有指向前一条
server-audit-why-changed = 它写入后内容被改过
## canvass-server admin
server-admin-password-reset = 已为账号“{ $username }”设置临时密码(只显示这一次):
server-admin-password-once = 用它登录后必须立即修改密码;该账号原来的密码和所有已登录的设备都已失效。
server-admin-no-such-account = 没有用户名为“{ $username }”的账号。
