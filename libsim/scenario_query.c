/*
 * scenario_query.c: the public accessors of a scenario's structure
 * (shellsim.h, "scenario"): its sides with their fire policies and its
 * pipelines with the side each delivers to, in file order. Reads only:
 * any thread.
 */
#include "civil.h"
#include "scenario.h"

#include "fire.h"

static int side_ok(const shellsim_scenario *s, int i)
{
    return s && i >= 0 && i < s->nsides;
}

static int pipe_ok(const shellsim_scenario *s, int i)
{
    return s && i >= 0 && i < s->npipes;
}

int shellsim_scenario_side_count(const shellsim_scenario *s)
{
    return s ? s->nsides : 0;
}

const char *shellsim_scenario_side_name(const shellsim_scenario *s, int i)
{
    return side_ok(s, i) ? s->sides[i].name : NULL;
}

const char *shellsim_scenario_side_policy(const shellsim_scenario *s, int i)
{
    if (!side_ok(s, i))
        return NULL;
    shellsim_policy p = s->sides[i].policy;
    return (unsigned)p < SHELLSIM_NPOLICIES ? shellsim_fire_policies[p].name : NULL;
}

int shellsim_scenario_pipeline_count(const shellsim_scenario *s)
{
    return s ? s->npipes : 0;
}

const char *shellsim_scenario_pipeline_name(const shellsim_scenario *s, int i)
{
    return pipe_ok(s, i) ? s->pipes[i].name : NULL;
}

int shellsim_scenario_pipeline_to(const shellsim_scenario *s, int i)
{
    return pipe_ok(s, i) ? s->pipes[i].to : -1;
}

int shellsim_scenario_day_date(const shellsim_scenario *s, int day, char *buf, size_t cap)
{
    long start;
    if (!s || !buf || !s->start_date[0] || shellsim_civil_parse(s->start_date, &start) != 0)
        return -1;
    shellsim_civil_format(start + day, buf, cap);
    return 0;
}
