"""``{% load documents_tags %}{% household_documents household %}``: the documents section of the
household page, rendered by the documents app (one query)."""

from django import template

from relogement.documents.views import section_context

register = template.Library()


@register.inclusion_tag("documents/_section.html", takes_context=True)
def household_documents(context, household):
    return section_context(context["request"], household)
