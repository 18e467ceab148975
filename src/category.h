/*
 * The categories of Art. 7 of the Heyuan 12345 hotline measures: what a
 * citizen's text is.  The name is the stable identifier stored with a case
 * and used in configuration and templates; the label is what a citizen
 * reads in an SMS.
 */
#ifndef HOTLINED_CATEGORY_H
#define HOTLINED_CATEGORY_H

enum category {
	CAT_CONSULTATION,	/* 咨询 */
	CAT_HELP,		/* 求助 */
	CAT_COMPLAINT,		/* 投诉举报: complaints and reports */
	CAT_SUGGESTION,		/* 意见建议 */
	CAT_EFFICIENCY,		/* 效能投诉: about the handling units */
	CAT_OTHER,		/* 其他 */
	CAT_UNCLASSIFIED,	/* 待分类: the office decides */
	CAT_MAX
};

/* The ASCII name of a category ("consultation"...), "?" when out of range. */
const char	*category_name(enum category);
/* The Chinese label of a category (咨询...), "?" when out of range. */
const char	*category_label_zh(enum category);
/* The category named name (exact, case-sensitive), or -1. */
int		 category_from_name(const char *);

#endif /* HOTLINED_CATEGORY_H */
