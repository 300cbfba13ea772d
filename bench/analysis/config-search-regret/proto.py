import math, random, sys
from load import load
T=load(); names=list(T)
grp=lambda w: w.split('-')[0]
GRID=[0.15,0.3,0.6,1.2,None]
_cache={}
def mixture(train, shots):
    key=(tuple(train),tuple(sorted(shots.items())))
    if key not in _cache: _cache[key]=_mixture(train,shots)
    return _cache[key]
def _mixture(train, shots):
    """per neighbour j: weight (mixture over uniform pairs), offset c_j; neighbours that measured >=1 shot."""
    info=[]
    for j in train:
        t=T[j]; d=[ly-t[s] for s,ly in shots.items() if s in t]
        if not d: continue
        c=sum(d)/len(d); shape=max(0,sum(x*x for x in d)/len(d)-c*c)*len(d)
        info.append((j,c,shape,len(shots)-len(d)))
    if not info: return []
    W={j:0.0 for j,_,_,_ in info}
    for ts in GRID:
        for tl in GRID:
            sc=[]
            for j,c,sh,miss in info:
                s=-miss*4.0
                if ts: s-=sh/(2*ts*ts)
                if tl: s-=c*c/(2*tl*tl)
                sc.append(s)
            m=max(sc); e=[math.exp(x-m) for x in sc]; tot=sum(e)
            for (j,_,_,_),x in zip(info,e): W[j]+=x/tot/25
    return [(j,c,W[j]) for j,c,_,_ in info]
def scen(train, shots, q):
    """list of (weight, log vote) for query q, renormalised"""
    if not shots:
        v=[(1.0,T[j][q]-min(T[j].values())) for j in train if q in T[j]]
    else:
        v=[(w,T[j][q]+c) for j,c,w in mixture(train,shots) if q in T[j]]
    tot=sum(w for w,_ in v)
    return [(w/tot,x) for w,x in v] if tot>0 else []
def meanlog(sc): return sum(w*x for w,x in sc)
def expval(sc): return sum(w*math.exp(x) for w,x in sc)
_lv={}
def loo_var(train,k):
    key=(tuple(train),k)
    if key in _lv: return _lv[key]
    sq=[]
    for h in train:
        rest=[j for j in train if j!=h]; keys=list(T[h]); r=random.Random(hash(h)%1000+k)
        for d in range(4):
            sk=r.sample(keys,k); shots={q:T[h][q] for q in sk}
            for q in keys:
                if q in shots: continue
                sc=scen(rest,shots,q)
                if sc: sq.append((meanlog(sc)-T[h][q])**2)
    _lv[key]=sum(sq)/len(sq); return _lv[key]
def pick(train, w, shots, rule):
    best_meas=min(shots.values()); pk=min(shots,key=shots.get); pv=math.exp(best_meas)
    if rule=='measured': return pk
    add=loo_var(train,len(shots))/2 if rule=='calib' else 0
    for q in T[w]:
        if q in shots: continue
        sc=scen(train,shots,q)
        if not sc: continue
        v= math.exp(meanlog(sc)+add) if rule in ('meanlog','calib') else expval(sc)
        if v<pv: pv=v; pk=q
    return pk
def next_shot(train,w,shots,acq):
    best=math.exp(min(shots.values())) if shots else float('inf')
    bq=None;bv=None
    for q in T[w]:
        if q in shots: continue
        sc=scen(train,shots,q)
        if not sc: continue
        if acq=='meanlog': v=meanlog(sc)
        elif acq=='ei': v= sum(p*min(best,math.exp(x)) for p,x in sc) if shots else expval(sc)
        if bv is None or v<bv: bv=v;bq=q
    return bq
def reg(w,q): return math.exp(T[w][q]-min(T[w].values()))-1
def evaluate(folds, seeds=5, ks=(1,2,3), verbose=False):
    res={}
    for seed in range(seeds):
        for train,tests in folds:
            for w in tests:
                keys=list(T[w])
                for k in ks:
                    r=random.Random(seed*7919+k*104729+hash(w)%1000)
                    shots={q:T[w][q] for q in r.sample(keys,k)}
                    for rule in ['meanlog','expval','calib','measured']:
                        res.setdefault(('random',rule,k),[]).append(reg(w,pick(train,w,shots,rule)))
                r=random.Random(seed*31+hash(w)%1000); first=r.choice(keys)
                for start in ['random','prior']:
                  for acq in ['meanlog','ei']:
                    shots={first:T[w][first]} if start=='random' else {}
                    while len(shots)<max(ks):
                        q=next_shot(train,w,shots,acq); shots[q]=T[w][q]
                        if len(shots) in ks:
                            for rule in ['meanlog','expval','calib','measured']:
                                res.setdefault((start+'-'+acq,rule,len(shots)),[]).append(reg(w,pick(train,w,shots,rule)))
    for key in sorted(res): print(key, '%.3f'%(sum(res[key])/len(res[key])))
    return res
if __name__=='__main__':
    mode=sys.argv[1]
    if mode=='loo': folds=[([j for j in names if j!=w],[w]) for w in names]
    elif mode=='dataset': folds=[([j for j in names if grp(j)!=g],[w for w in names if grp(w)==g]) for g in ['buzz','creditcard','santander']]
    elif mode=='nested':
        # inside each outer data-set fold's training part: train on one data set, test on the other
        folds=[]
        for g in ['buzz','creditcard','santander']:
            rest=[h for h in ['buzz','creditcard','santander'] if h!=g]
            for a,b in [(rest[0],rest[1]),(rest[1],rest[0])]:
                folds.append(([j for j in names if grp(j)==a],[w for w in names if grp(w)==b]))
    evaluate(folds, seeds=int(sys.argv[2]) if len(sys.argv)>2 else 3)
