/*
 * Intake classification throughput: new matters classified per second
 * with the shipped etc/hotlined.rules, over realistic Chinese texts of
 * three lengths, next to normalisation alone (the part that is not rule
 * matching) and the loading of the rules file (SIGHUP).
 * Usage: bench_rules [seconds per row, default 0.5 [rules file]].
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "log.h"
#include "util.h"

#ifndef BENCH_RULES
#define BENCH_RULES	"etc/hotlined.rules"
#endif

/* Citizens' texts as they arrive: 10-25, 40-90 and ~300 characters. */
static const char *short_texts[] = {
	"楼上漏水到我家天花板",
	"东源县城区大面积停电",
	"高速路口两车追尾",
	"建议在新江路口增设红绿灯",
	"身份证丢了在哪里办补领？",
	"老板拖欠工资三个月了",
	"街道办互相推诿，没人管",
	"谢谢你们的帮助，问题已经解决了",
};
static const char *mid_texts[] = {
	"我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，电钻"
	"和渣土车的噪音非常严重，已经持续一个多星期了。",
	"请问新生儿医保怎么办理，需要带什么材料？孩子上个月出生，户口已经"
	"上好了，想尽快给孩子办上。",
	"求助：建设路和文明路路口的路灯坏了好几天，晚上很黑，老人小孩走路"
	"很不安全，请派人修一下。",
	"保密 举报某饭店使用过期食材，后厨卫生很差，老鼠到处跑，希望有关"
	"部门尽快去检查。",
	"我和公司的劳动纠纷法院已经受理了，能不能帮我催一下判决？已经等了"
	"半年多了。",
	"希望增加到高铁站的公交班次，现在每天只有早晚两班，上班族根本赶不"
	"上，很多人只能打车。",
	"不动产登记中心办事效率太低，来了三次都没办好，每次都说缺材料，"
	"一次性告知都做不到。",
	"我们村到镇上的路年久失修，坑坑洼洼的，下雨天到处是积水，村民出行"
	"很不方便，什么时候能修？",
};
static const char long_text[] =
    "您好，我是幸福花园小区三号楼的业主，想反映一个已经困扰我们很久的问"
    "题。小区东侧的商业街去年开了好几家烧烤店和酒吧，每天从傍晚一直营业"
    "到凌晨两三点，客人在露天喝酒划拳、大声喧哗，烧烤的油烟直接飘进我们"
    "的窗户，夏天根本不敢开窗。我们家有八十多岁的老人和刚上小学的孩子，"
    "长期休息不好，老人的血压也高了。我们多次跟店家沟通，他们当面答应得"
    "好好的，过两天又恢复原样；也找过物业和社区，物业说商铺不归他们管，"
    "社区说会协调，但一直没有下文。另外商业街的排水沟经常被餐厨垃圾堵住"
    "，臭味很大，还招来很多老鼠和蟑螂。希望市里能安排相关部门来实地看一"
    "看，规范一下这些店的营业时间和油烟排放，也请环卫部门定期清理排水沟"
    "。麻烦你们了，谢谢！";

static struct rules	*rules;
static char		 norm[INTAKE_NORM_MAX];
static volatile size_t	 sink;

static size_t
classify(const char *text)
{
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	struct intake_verdict	 v;

	intake_classify(rules, text, &ctx, &v, norm, sizeof(norm));
	return (size_t)v.kind + (size_t)v.category + (size_t)v.rule[0];
}

/* One pass over a row's texts; returns how many texts it took. */
static size_t
run(int what, const char *path)
{
	struct rules	*rs;
	char		 err[1024];
	size_t		 i, n = 0;

	switch (what) {
	case 0:
		for (i = 0; i < nitems(mid_texts); i++)
			sink += intake_normalize(mid_texts[i],
			    strlen(mid_texts[i]), norm, sizeof(norm));
		return nitems(mid_texts);
	case 1:
		for (i = 0; i < nitems(short_texts); i++)
			sink += classify(short_texts[i]);
		return nitems(short_texts);
	case 2:
		for (i = 0; i < nitems(mid_texts); i++)
			sink += classify(mid_texts[i]);
		return nitems(mid_texts);
	case 3:
		sink += classify(long_text);
		return 1;
	case 4:
		if ((rs = rules_load(path, err, sizeof(err))) == NULL)
			fatalx("bench_rules: %s", err);
		n = rules_count(rs);
		rules_free(rs);
		sink += n;
		return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const char	*names[] = {
		"normalise only, 40-90 chars", "classify 10-25 chars",
		"classify 40-90 chars", "classify 300 chars",
		"load the rules file"
	};
	const char	*path = BENCH_RULES;
	char		 err[4096];
	double		 secs = 0.5, t0, t;
	size_t		 iter;
	int		 what, k;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "bench_rules");
	if (argc > 1 && (secs = atof(argv[1])) <= 0)
		secs = 0.5;
	if (argc > 2)
		path = argv[2];
	if ((rules = rules_load(path, err, sizeof(err))) == NULL)
		fatalx("bench_rules: %s", err);
	printf("%zu rules from %s\n", rules_count(rules), path);
	printf("%-30s %14s %10s\n", "what", "per second", "ns each");
	for (what = 0; what < (int)nitems(names); what++) {
		iter = 0;
		t0 = (double)clock_mono_ms() / 1e3;
		do {
			for (k = 0; k < (what == 4 ? 10 : 1000); k++)
				iter += run(what, path);
		} while ((t = (double)clock_mono_ms() / 1e3 - t0) < secs);
		printf("%-30s %14.0f %10.1f\n", names[what], iter / t,
		    t * 1e9 / iter);
	}
	rules_free(rules);
	return 0;
}
