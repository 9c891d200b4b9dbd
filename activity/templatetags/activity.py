from django import template

from activity.display import activity_what, activity_who

register = template.Library()

register.filter("activity_who", activity_who)
register.filter("activity_what", activity_what)
