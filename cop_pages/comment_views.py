"""The discussion's views: each turns a POST into a call to the rules, and a refusal into a message.

- Whoever cannot view the page gets 404 from every URL, GET or POST, before
  anything else is looked at: the URLs reveal nothing about a private CoP.
  A comment the reader cannot see (hidden, someone else's waiting one) is
  a 404 too.
- Only POST changes anything; any other method on a page the reader can
  view gets 405.
- Success redirects back to the comment (POST/redirect/GET).
- A refusal re-renders the page itself, in this response, with the reader's
  text in the form they used and the message next to its field. Nothing is
  stored between requests, so the text survives even when the session
  cannot be written, and a reload simply asks to send the form again.
- The "Bermanfaat" buttons answer JSON to the progressive-enhancement
  script (``Accept: application/json``); without it they redirect too.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

from .comment_forms import CommentForm, ReportForm
from .comments import (
    CommentError,
    delete_comment,
    edit_comment,
    post_comment,
    report_comment,
    toggle_helpful,
)
from .discussion import Failure, remember_failure
from .models import Comment, CommentState, Reaction
from .visibility import can_view


def viewable_page(request, page_id: int) -> Page:
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None or not can_view(page, request.user):
        raise Http404
    if not hasattr(page.specific_class, "comments_enabled"):
        # Not a practice, meeting or CoP page: it has no discussion to take part in.
        raise Http404
    return page.specific


def viewable_comment(request, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("page").filter(pk=comment_id).first()
    if comment is None or not comment.page.live or not can_view(comment.page, request.user):
        raise Http404
    if comment.state == CommentState.HIDDEN or (
        comment.state == CommentState.WAITING and comment.author_id != request.user.pk
    ):
        raise Http404
    return comment


def not_a_post(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def back_to(request, page: Page, comment: Comment | None = None, anchor: str = "diskusi"):
    if comment is not None:
        anchor = f"komentar-{comment.pk}"
    return HttpResponseRedirect(f"{page.get_url(request)}#{anchor}")


def send_back(request, page: Page, failure: Failure):
    """The page again, with the refused form filled in and its message (see ``cop_pages.discussion``)."""
    remember_failure(request, failure)
    return page.specific.serve(request)


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def posted(request, comment: Comment) -> None:
    if comment.state == CommentState.WAITING:
        messages.info(request, _("Your comment is sent. It appears once a moderator approves it."))
    else:
        messages.success(request, _("Your comment is posted."))


def post_on_page(request, page_id: int):
    page = viewable_page(request, page_id)
    if refused := not_a_post(request):
        return refused
    text = CommentForm(request.POST).text()
    try:
        comment = post_comment(request.user, page, text)
    except CommentError as error:
        return send_back(request, page, Failure("comment", None, text, error.message))
    posted(request, comment)
    return back_to(request, page, comment)


def reply(request, comment_id: int):
    parent = viewable_comment(request, comment_id)
    if refused := not_a_post(request):
        return refused
    page = parent.page.specific
    text = CommentForm(request.POST).text()
    try:
        comment = post_comment(request.user, page, text, parent=parent)
    except CommentError as error:
        return send_back(request, page, Failure("reply", parent.parent_id or parent.pk, text, error.message))
    posted(request, comment)
    return back_to(request, page, comment)


def edit(request, comment_id: int):
    comment = viewable_comment(request, comment_id)
    if refused := not_a_post(request):
        return refused
    text = CommentForm(request.POST).text()
    try:
        edit_comment(request.user, comment, text)
    except CommentError as error:
        return send_back(request, comment.page, Failure("edit", comment.pk, text, error.message))
    messages.success(request, _("Your comment is updated."))
    return back_to(request, comment.page, comment)


def delete(request, comment_id: int):
    comment = viewable_comment(request, comment_id)
    if refused := not_a_post(request):
        return refused
    try:
        delete_comment(request.user, comment)
    except CommentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your comment is deleted."))
    return back_to(request, comment.page, comment)


def report(request, comment_id: int):
    comment = viewable_comment(request, comment_id)
    if refused := not_a_post(request):
        return refused
    text = ReportForm(request.POST).text()
    try:
        report_comment(request.user, comment, text)
    except CommentError as error:
        return send_back(request, comment.page, Failure("report", comment.pk, text, error.message))
    messages.success(request, _("Thank you. The moderators of this CoP will look at the comment."))
    return back_to(request, comment.page, comment)


def helpful_answer(request, page: Page, pressed: bool, count: int, comment: Comment | None = None):
    if wants_json(request):
        return JsonResponse({"pressed": pressed, "count": count})
    return back_to(request, page, comment, anchor="bermanfaat")


def page_helpful(request, page_id: int):
    page = viewable_page(request, page_id)
    if refused := not_a_post(request):
        return refused
    try:
        pressed = toggle_helpful(request.user, page=page)
    except CommentError as error:
        return helpful_refused(request, page, error)
    return helpful_answer(request, page, pressed, Reaction.objects.filter(page=page).count())


def comment_helpful(request, comment_id: int):
    comment = viewable_comment(request, comment_id)
    if refused := not_a_post(request):
        return refused
    try:
        pressed = toggle_helpful(request.user, comment=comment)
    except CommentError as error:
        return helpful_refused(request, comment.page, error, comment)
    count = Reaction.objects.filter(comment=comment).count()
    return helpful_answer(request, comment.page, pressed, count, comment)


def helpful_refused(request, page: Page, error: CommentError, comment: Comment | None = None):
    if wants_json(request):
        return JsonResponse({"error": error.message}, status=400)
    messages.error(request, error.message)
    return back_to(request, page, comment, anchor="bermanfaat")
