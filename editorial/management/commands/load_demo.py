"""python manage.py load_demo: a demo issue and the demo accounts, for trying digest out.

Safe to run again: what exists already is left as it is.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from editorial.canonical.data import EntryData, IssueData, SectionData
from editorial.models import Issue
from editorial.roles import EDITORS, REVIEWERS
from editorial.store import store_issue

DEMO_ACCOUNTS = [
    # (user name, password, group): demo only, refused when DEBUG is off.
    ("editor", "digest-editor-demo", EDITORS),
    ("reviewer", "digest-reviewer-demo", REVIEWERS),
]


def _entry(title, url, summary):
    return EntryData(title=title, url=url, summary=summary)


DEMO_PUBLISHED = (
    (
        "分布式系统",
        (
            _entry(
                "一致性哈希在对象存储中的实践",
                "https://example.org/posts/consistent-hashing",
                "介绍一致性哈希如何在扩容与缩容时只迁移少量数据，并讨论虚拟节点数量对负载均衡的影响。",
            ),
            _entry(
                "Raft 日志压缩的三种做法",
                "https://example.org/posts/raft-log-compaction",
                "比较快照、增量检查点与日志清理三种方式的实现复杂度和恢复时间。",
            ),
        ),
    ),
    (
        "云计算技术",
        (
            _entry(
                "无服务器冷启动的测量方法",
                "https://example.com/serverless/cold-start",
                "用统一的基准测量不同运行时的冷启动延迟，并给出降低延迟的配置建议。",
            ),
        ),
    ),
    (
        "大模型技术",
        (
            _entry(
                "推理服务的批处理调度",
                "https://example.net/llm/batching",
                "解释连续批处理如何提高 GPU 利用率，以及它对首字延迟的影响。",
            ),
            _entry(
                "检索增强生成的评测清单",
                "https://example.net/llm/rag-checklist",
                "列出评估检索质量、答案可信度和延迟时值得关注的十个指标。",
            ),
        ),
    ),
    (
        "技术之外",
        (
            _entry(
                "写给新任技术负责人的一封信",
                "https://example.com/essays/letter",
                "从沟通、授权与节奏三个方面谈如何带好一个小团队。",
            ),
        ),
    ),
)

DEMO_DRAFT = (
    ("分布式系统", (_entry("时钟与顺序：混合逻辑时钟入门", "https://example.org/posts/hlc", ""),)),
    (
        "云计算技术",
        (
            _entry(
                "多租户隔离的网络设计",
                "https://example.com/cloud/tenant-network",
                "讨论 VPC、安全组与服务网格在多租户隔离中的分工。",
            ),
        ),
    ),
)


def _issue(number: int, sections) -> IssueData:
    return IssueData(
        publication=settings.DIGEST_PUBLICATION,
        year=2026,
        number=number,
        sections=tuple(SectionData(title=t, entries=entries) for t, entries in sections),
    )


class Command(BaseCommand):
    help = "Load a demo issue (published), a draft to work on, and the demo accounts."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo is for development: run it with DEBUG=1.")
        with transaction.atomic():
            for number, sections, draft in ((1, DEMO_PUBLISHED, False), (2, DEMO_DRAFT, True)):
                if not Issue.objects.filter(year=2026, number=number).exists():
                    store_issue(_issue(number, sections), draft=draft)
                    self.stdout.write(f"Demo issue 2026/{number} created.")
            User = get_user_model()
            for username, password, group_name in DEMO_ACCOUNTS:
                user, created = User.objects.get_or_create(
                    username=username, defaults={"is_staff": True}
                )
                if created:
                    user.set_password(password)
                    user.save()
                    user.groups.add(Group.objects.get(name=group_name))
        self.stdout.write("Demo accounts (development only):")
        for username, password, group_name in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<9} password {password:<22} ({group_name})")
        # The address `make run` serves on (HOST and PORT, as in the Makefile).
        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        self.stdout.write(f"Open http://{host}:{port}/ to read, /editorial/ to compose.")
