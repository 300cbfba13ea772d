import math, random, sys, statistics
from load import load
T=load(); names=list(T)
grp=lambda w: w.split('-')[0]
GRID=[0.15,0.3,0.6,1.2,None]
def ratio_ref(train, shots, q):
    preds=[]
    for s,ly in shots.items():
        r=[T[j][q]-T[j][s] for j in train if q in T[j] and s in T[j]]
        if r: preds.append(ly+statistics.median(r))
    return sum(preds)/len(preds) if preds else None
def attention(train, shots, q, variant):
    info=[]
    for j in train:
        t=T[j]
        if q not in t: continue
        pts=[(t[s],ly) for s,ly in shots.items() if s in t]
        if not pts: continue
        d=[ly-x for x,ly in pts]; c=sum(d)/len(d)
        vote=t[q]+c
        if variant.startswith('slope') and len(pts)>=2:
            lam=float(variant[5:] or 1)
            mx=sum(x for x,_ in pts)/len(pts); my=sum(y for _,y in pts)/len(pts)
            sxx=sum((x-mx)**2 for x,_ in pts); sxy=sum((x-mx)*(y-my) for x,y in pts)
            b=(sxy+lam*1.0)/(sxx+lam)  # shrink slope to 1
            b=max(0.3,min(3,b))
            res=[y-(my+b*(x-mx)) for x,y in pts]
            shape=sum(r*r for r in res)
            vote=my+b*(t[q]-mx)
        else:
            shape=max(0,sum(x*x for x in d)/len(d)-c*c)*len(d)
        info.append((vote,c,shape,len(shots)-len(pts)))
    if not info: return None
    pred=0
    for ts in GRID:
        for tl in GRID:
            sc=[]
            for v,c,sh,miss in info:
                s=-miss*4.0
                if ts: s-=sh/(2*ts*ts)
                if tl: s-=c*c/(2*tl*tl)
                sc.append(s)
            m=max(sc); e=[math.exp(x-m) for x in sc]; tot=sum(e)
            pred+=sum(x/tot*v for x,(v,_,_,_) in zip(e,info))/25
    return pred
def predict(train, shots, q, variant):
    if variant=='ref': return ratio_ref(train,shots,q)
    if variant.startswith('blend'):
        a=attention(train,shots,q,'v0'); r=ratio_ref(train,shots,q); al=float(variant[5:])
        if a is None: return r
        if r is None: return a
        return al*a+(1-al)*r
    p=attention(train,shots,q,variant)
    return p if p is not None else ratio_ref(train,shots,q)
def run(folds, variants, seeds=3, ks=(1,2,3)):
    out={}
    for v in variants:
        for k in ks:
            per_seed=[]
            for seed in range(seeds):
                errs=[]
                for train,tests in folds:
                    for w in tests:
                        keys=list(T[w]); r=random.Random(seed*7919+k*104729+hash(w)%1000)
                        sk=r.sample(keys,k); shots={q:T[w][q] for q in sk}
                        e=[]
                        for q in keys:
                            if q in shots: continue
                            p=predict(train,shots,q,v)
                            if p is None: continue
                            e.append(abs(math.exp(p-T[w][q])-1))
                        errs.append(sum(e)/len(e))
                per_seed.append(sum(errs)/len(errs))
            out[(v,k)]=sum(per_seed)/len(per_seed)
    return out
def folds_of(mode):
    if mode=='loo': return [([j for j in names if j!=w],[w]) for w in names]
    if mode=='dataset': return [([j for j in names if grp(j)!=g],[w for w in names if grp(w)==g]) for g in ['buzz','creditcard','santander']]
    if mode.startswith('nested'):
        fs=[]
        for g in ['buzz','creditcard','santander']:
            if mode!='nested' and g!=mode[7:]: continue
            rest=[h for h in ['buzz','creditcard','santander'] if h!=g]
            for a,b in [(rest[0],rest[1]),(rest[1],rest[0])]:
                fs.append(([j for j in names if grp(j)==a],[w for w in names if grp(w)==b]))
        return fs
def main():
    mode=sys.argv[1]; variants=sys.argv[2].split(',')
    o=run(folds_of(mode),variants,seeds=int(sys.argv[3]) if len(sys.argv)>3 else 3)
    for v in variants: print(mode, '%-10s'%v, ' '.join('%.3f'%o[(v,k)] for k in (1,2,3)), 'mean %.3f'%(sum(o[(v,k)] for k in (1,2,3))/3))

# --- shift variants: predict exp(mu - s^2), s^2 from LOO on the training workloads (per k) ---
_loo={}
def loo_var(train, k, base):
    key=(tuple(train),k,base)
    if key in _loo: return _loo[key]
    sq=[];
    for h in train:
        rest=[j for j in train if j!=h]; keys=list(T[h]); r=random.Random(hash(h)%1000+k)
        for d in range(4):
            sk=r.sample(keys,k); shots={q:T[h][q] for q in sk}
            for q in keys:
                if q in shots: continue
                p=predict(rest,shots,q,base)
                if p is not None: sq.append((p-T[h][q])**2)
    _loo[key]=sum(sq)/len(sq); return _loo[key]
_base_predict=predict
def predict(train, shots, q, variant):
    if variant.startswith('shift-'):
        base=variant[6:]; p=_base_predict(train,shots,q,base)
        return None if p is None else p-loo_var(train,len(shots),base)
    return _base_predict(train,shots,q,variant)
if __name__=="__main__": main()
