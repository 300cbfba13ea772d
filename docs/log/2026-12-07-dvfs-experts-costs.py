#!/usr/bin/env python3
# Per-application analysis of the adaptation costs in a `flash reproduce dvfs` JSON (docs/log/2026-12-07-dvfs-experts.md, section 3).
import json,statistics as st,sys
d=json.load(open(sys.argv[1]))
apps=d['per_app']; n=len(apps); B=d['definitions']['online_budget_steps']
C=d['plan']['context_length']
def curve(a,c): return a['curve_%s_steps_reward_se'%c]
print("apps",n,"budget",B,"C",C)
for c in ['flash','transfer','history','flash-frozen']:
    costs=[a['adaptation_cost_%s_steps'%c] for a in apps]
    cens=[a['censored_%s'%c] for a in apps]
    zero=sum(1 for a,x,z in zip(apps,costs,cens) if not z and x<=max(C if c.startswith('flash') or c=='history' else 0,0))
    first_ep=sum(1 for x,z in zip(costs,cens) if not z and x<=32)
    within_start=sum(1 for a in apps if a['start_reward_per_step_%s'%c] >= a['expert_reward_per_step']-0.05*abs(a['expert_reward_per_step']))
    unc=[x for x,z in zip(costs,cens) if not z]
    print(f"{c:13s} cost=fill/0: {zero:2d}  <=1 episode: {first_ep:2d}  start within band: {within_start:2d}  censored {sum(cens):2d}  mean {st.mean(costs):7.1f}  censored share of mean {sum(B for z in cens if z)/n:6.1f}  uncensored mean {st.mean(unc):6.1f} median {st.median(unc):5.0f}")
# noise vs band
bands=[0.05*abs(a['expert_reward_per_step']) for a in apps]
se=[st.mean(p[2] for c in ['flash','transfer'] for p in curve(a,c)) for a in apps]
print("expert reward mean %.4f median %.4f"%(st.mean(a['expert_reward_per_step'] for a in apps), st.median(a['expert_reward_per_step'] for a in apps)))
print("band 5%% |R_e|: mean %.4f median %.4f; point SE over episodes: mean %.4f median %.4f; apps where band < SE: %d; band < 2SE: %d"%(st.mean(bands),st.median(bands),st.mean(se),st.median(se),sum(b<s for b,s in zip(bands,se)),sum(b<2*s for b,s in zip(bands,se))))
# point-to-point fluctuation of a curve on fixed episodes (learning wander)
def wander(a,c):
    r=[p[1] for p in curve(a,c)]
    return st.pstdev([r[i+1]-r[i] for i in range(len(r)-1)])
for c in ['flash','transfer']:
    w=[wander(a,c) for a in apps]
    print(c,"point-to-point change sd: mean %.4f median %.4f; apps where it exceeds the band: %d"%(st.mean(w),st.median(w),sum(x>b for x,b in zip(w,bands))))
# gaps
for c in ['flash','transfer']:
    g=[a['reward_gap_%s'%c] for a in apps]
    print(c,"gap at start: within 5%%: %d, negative (start above expert): %d, >20%%: %d"%(sum(x<=0.05 for x in g),sum(x<0 for x in g),sum(x>0.2 for x in g)))
# joint table
both0=sum(1 for a in apps if not a['censored_flash'] and not a['censored_transfer'] and a['adaptation_cost_transfer_steps']==0 and a['adaptation_cost_flash_steps']<=C)
print("both at their floor:",both0)
# ratio if censored counted at budget vs 2x budget sensitivity
for mult in [1,2,4]:
    f=[(B*mult if a['censored_flash'] else a['adaptation_cost_flash_steps']) for a in apps]
    t=[(B*mult if a['censored_transfer'] else a['adaptation_cost_transfer_steps']) for a in apps]
    print("censored at %dx budget: ratio %.2f"%(mult, st.mean(t)/st.mean(f)))
uf=[a['adaptation_cost_flash_steps'] for a in apps if not a['censored_flash'] and not a['censored_transfer']]
ut=[a['adaptation_cost_transfer_steps'] for a in apps if not a['censored_flash'] and not a['censored_transfer']]
print("apps neither censored:",len(uf),"mean flash %.1f transfer %.1f ratio %.2f"%(st.mean(uf),st.mean(ut),st.mean(ut)/st.mean(uf)))
# per app listing
print("app expert band | flash start cost cens | transfer start cost cens")
for a in apps:
    e=a['expert_reward_per_step']
    print("%-28s %.4f %.4f | %.4f %5s %d | %.4f %5s %d"%(a['app'][:28],e,0.05*abs(e),a['start_reward_per_step_flash'],a['adaptation_cost_flash_steps'],a['censored_flash'],a['start_reward_per_step_transfer'],a['adaptation_cost_transfer_steps'],a['censored_transfer']))
# split by who starts in the 5% band, and the censored share of each summed cost
def inb(a, c):
    e = a['expert_reward_per_step']
    return a['start_reward_per_step_%s' % c] >= e - 0.05 * abs(e)
groups = {}
for a in apps:
    groups.setdefault((inb(a, 'flash'), inb(a, 'transfer')), []).append(a)
for k, v in sorted(groups.items()):
    f = [a['adaptation_cost_flash_steps'] for a in v]
    t = [a['adaptation_cost_transfer_steps'] for a in v]
    print("flash start in band %s, transfer %s: %d apps; flash mean cost %.0f (censored %d), transfer %.0f (censored %d)"
          % (k[0], k[1], len(v), st.mean(f), sum(a['censored_flash'] for a in v), st.mean(t),
             sum(a['censored_transfer'] for a in v)))
for c in ['flash', 'transfer']:
    tot = sum(a['adaptation_cost_%s_steps' % c] for a in apps)
    cen = sum(a['adaptation_cost_%s_steps' % c] for a in apps if a['censored_%s' % c])
    print(c, "summed cost", tot, "censored part %.0f%%" % (100 * cen / tot))
